// The restart decision after Jupyter exits: a pure function of what happened, so it can be table-tested.

/** Tunables of the restart policy. */
export interface RestartPolicy {
  /** Consecutive failed attempts (never ready, or crashed soon after) before giving up. */
  maxRestarts: number;
  /** Backoff base for the second and later consecutive failures. */
  baseDelayMs: number;
  /** Backoff cap. */
  maxDelayMs: number;
  /** A run that stayed ready at least this long counts as healthy and resets the failure count. */
  minUptimeMs: number;
}

/** Defaults: first restart at once, then 1 s, 2 s, 4 s ... capped at 30 s; give up after 5 failures in a row. */
export const defaultRestartPolicy: RestartPolicy = {
  maxRestarts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  minUptimeMs: 10_000,
};

/** What the supervisor knows about the run that just ended. */
export interface RunOutcome {
  /** Did this process ever answer /api/status? */
  becameReady: boolean;
  /** Time from ready to exit (0 when never ready). */
  readyForMs: number;
  /** Has any process of this supervisor ever been ready? (false: the initial start failed) */
  everReady: boolean;
  /** Consecutive failed runs before this one. */
  failuresBefore: number;
  /** The supervisor is shutting down (stop requested): never restart. */
  stopping: boolean;
}

/** The decision, and the failure count to carry into the next run. */
export type RestartDecision =
  | { kind: "restart"; delayMs: number; failures: number }
  | { kind: "give-up"; reason: string; failures: number }
  | { kind: "stop" };

/** Decide whether and when to restart Jupyter after it exited. */
export function decideRestart(outcome: RunOutcome, policy: RestartPolicy): RestartDecision {
  if (outcome.stopping) return { kind: "stop" };
  if (!outcome.everReady) {
    return { kind: "give-up", reason: "Jupyter exited before it was ready", failures: outcome.failuresBefore + 1 };
  }
  const healthy = outcome.becameReady && outcome.readyForMs >= policy.minUptimeMs;
  const failures = healthy ? 0 : outcome.failuresBefore + 1;
  if (failures > policy.maxRestarts) {
    return {
      kind: "give-up",
      reason: `Jupyter kept failing: ${failures - 1} restarts in a row did not stay up (--max-restarts ${policy.maxRestarts})`,
      failures,
    };
  }
  return { kind: "restart", delayMs: backoffDelay(failures, policy), failures };
}

/** 0 for the first consecutive failure, then base * 2^(n-2), capped. */
export function backoffDelay(failures: number, policy: RestartPolicy): number {
  if (failures <= 1) return 0;
  return Math.min(policy.baseDelayMs * 2 ** (failures - 2), policy.maxDelayMs);
}

/** Why a watched Jupyter run ended (supervisor/jupyter-run.ts `RunEndReason`). */
export type RunEndWhy = "exit" | "stop" | "restart" | "timeout" | "hung" | "open" | "forbidden";

/** The first question after a run ended: an end, a requested restart, a refusal, or a crash for decideRestart. */
export type AfterRun =
  | { kind: "stop" }
  | { kind: "reload" }
  | { kind: "idle"; reason: string }
  | { kind: "refused"; why: "open" | "forbidden" }
  | { kind: "crash" };

/** Classify a run's end: stop and restart as asked; Jupyter's own idle shutdown (exit 0 with --idle-timeout) is an end. */
export function afterRun(
  why: RunEndWhy,
  f: { idleTimeoutMin: number | undefined; everReady: boolean; exitCode: number | null | undefined },
): AfterRun {
  if (why === "stop") return { kind: "stop" };
  if (why === "restart") return { kind: "reload" };
  if (why === "exit" && f.idleTimeoutMin && f.everReady && f.exitCode === 0)
    return { kind: "idle", reason: `idle: Jupyter shut down after ${f.idleTimeoutMin} min without activity` };
  if (why === "open" || why === "forbidden") return { kind: "refused", why };
  return { kind: "crash" };
}

/** The reason recorded when a crash is not restarted: a start that timed out says so, else the policy's reason. */
export function giveUpReason(why: RunEndWhy, d: RestartDecision, readyTimeoutMs: number): string {
  if (why === "timeout") return `Jupyter was not ready within ${readyTimeoutMs / 1000} s`;
  return d.kind === "give-up" ? d.reason : "stopped";
}

/** What a `restart` command compares: the instance's state, its Jupyter's PID and its supervisor's reload count. */
export interface RestartProgress {
  state: string;
  supervisorPid: number | null;
  jupyterPid: number | null;
  /** Restarts (SIGUSR2) the supervisor took; undefined from a supervisor older than the count. */
  reloads: number | undefined;
}

/**
 * Has the restart asked of the supervisor (in state `before`) happened? A new Jupyter running, started by a reload
 * taken after the ask: a crash restart racing the ask brings up a Jupyter too, before the reload (and the new
 * credentials it may take). A supervisor older than the count, or one that replaced the asked one (a unit's restart),
 * is judged by the new Jupyter alone (a new supervisor takes a credentials request at its start).
 */
export function restartDone(before: RestartProgress, now: RestartProgress): boolean {
  if (now.state !== "running" || now.jupyterPid === null || now.jupyterPid === before.jupyterPid) return false;
  if (before.reloads === undefined || now.supervisorPid !== before.supervisorPid) return true;
  return (now.reloads ?? 0) > before.reloads;
}
