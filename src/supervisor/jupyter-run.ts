// One Jupyter process under watch: wait until it answers, then watch it (exit, health probe, housekeeping).
// Every timing decision uses the monotonic clock (io/clock.ts): a wall-clock step fakes no timeout.
// No request carrying the token goes out before the gate has verified that the listener is our Jupyter.
import type pino from "pino";
import type { ProcessIdentity } from "../core/types.js";
import { probeStatus, type Endpoint } from "../io/http-probe.js";
import { readProcStat } from "../io/process-identity.js";
import type { Gate } from "./listener-gate.js";
import type { Wake, Wakeup } from "./wakeup.js";
import { monotonicMs } from "../io/clock.js";

/** How often a starting Jupyter is probed: its readiness is on the path of `start` and of every recovery. */
const defaultReadyPollMs = 25;

/** A Jupyter process we spawned or adopted. */
export interface WatchedJupyter {
  identity: ProcessIdentity;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Not our keeper's child (a crashed supervisor's): no parent of ours reports its end, `exited` polls for it. */
  adopted?: boolean;
}

/** Why watching ended ("open": answers without the token; "forbidden": refuses ours). */
export type RunEndReason = "exit" | Wake | "timeout" | "hung" | "open" | "forbidden";

/** The outcome of watching one Jupyter process. */
export interface RunEnd {
  why: RunEndReason;
  /** monotonicMs() when it became ready, or null. */
  readyAt: number | null;
  /** For "hung": why it counts as hung (failed probes, process state). */
  detail?: string;
}

/** A probe of <baseUrl>api/status: the HTTP status, 0 for no answer in time (token null: without one). */
export type Probe = (endpoint: Endpoint, token: string | null, timeoutMs: number, baseUrl: string) => Promise<number>;

/** Settings and callbacks for one watch. */
export interface WatchOptions {
  /** Checked before every request with the token: only a verified listener of ours gets it. */
  gate: () => Gate;
  token: string;
  readyTimeoutMs: number;
  /** How often a starting Jupyter is probed (default 25 ms); tests set it long to see what else wakes the wait. */
  readyPollMs?: number;
  healthIntervalMs: number;
  healthRetries: number;
  onReady: (baseUrl: string) => void | Promise<void>;
  /** Subscribe `poke` to "Jupyter may listen now" (its info file appeared) until ready; returns the unsubscribe. */
  listening?: (poke: () => void) => () => void;
  /** Periodic work (heartbeat, log rotation), at most every `housekeepingMs`. */
  housekeeping?: { everyMs: number; run: () => void };
  log: pino.Logger;
  /** The health probe (tests pass their own). */
  probe?: Probe;
}

/** The probe's timeout for a health interval: at least 1 s, at most 10 s (a slow answer is no hang). */
function probeTimeoutMs(healthIntervalMs: number): number {
  return Math.min(10_000, Math.max(1000, healthIntervalMs));
}

/** Probe until Jupyter answers through a verified listener (its base_url then), or why not. */
async function untilReady(
  wake: Wakeup,
  o: WatchOptions,
  ended: () => RunEndReason | null,
  chores: () => void,
  probe: Probe,
): Promise<string | RunEnd> {
  const deadline = monotonicMs() + o.readyTimeoutMs;
  // Woken early when Jupyter writes its info file (right after it binds), only between probes.
  let napping = false;
  const unsubscribe = o.listening?.(() => {
    if (napping) wake.poke();
  });
  let refused = "";
  try {
    for (;;) {
      chores();
      const g = o.gate();
      if (g.ok) {
        // Authentication must be on: without the token the same request has to be refused (403 or a login
        // redirect). Both requests go out at once: the check costs no round trip more on the way to ready.
        const both = await wake.race(
          Promise.all([probe(g.endpoint, o.token, 1000, g.baseUrl), probe(g.endpoint, null, 2000, g.baseUrl)]),
        );
        if (both?.[0] === 403) return { why: "forbidden", readyAt: null };
        if (both?.[0] === 200) return both[1] === 200 ? { why: "open", readyAt: null } : g.baseUrl;
      } else if (g.foreign && g.why !== refused) {
        refused = g.why;
        o.log.warn({ reason: g.why }, "not sending the token: the listener is not our Jupyter");
      }
      const w0 = ended();
      if (w0 !== null) return { why: w0, readyAt: null };
      napping = true;
      await wake.sleep(o.readyPollMs ?? defaultReadyPollMs);
      napping = false;
      const w = ended();
      if (w !== null) return { why: w, readyAt: null };
      if (monotonicMs() > deadline) return { why: "timeout", readyAt: null };
    }
  } finally {
    unsubscribe?.();
  }
}

/** Watch until Jupyter exits, hangs, or a stop/restart request arrives. */
export async function watchJupyter(j: WatchedJupyter, wake: Wakeup, o: WatchOptions): Promise<RunEnd> {
  const probe = o.probe ?? probeStatus;
  let exited = false;
  // One reaction per watched process (not per wait): a poke ends whatever wait is current.
  void j.exited.then(() => {
    exited = true;
    wake.poke();
  });
  const ended = (): RunEndReason | null => wake.pending ?? (exited ? "exit" : null);
  let nextChores = o.housekeeping ? monotonicMs() + o.housekeeping.everyMs : Infinity;
  const chores = () => {
    if (o.housekeeping && monotonicMs() >= nextChores) {
      o.housekeeping.run();
      nextChores = monotonicMs() + o.housekeeping.everyMs;
    }
  };
  const ready = await untilReady(wake, o, ended, chores, probe);
  if (typeof ready === "object") return ready;
  const readyAt = monotonicMs();
  await o.onReady(ready);
  const timeout = probeTimeoutMs(o.healthIntervalMs);
  let nextProbe = monotonicMs() + o.healthIntervalMs;
  let failures = 0;
  let failingSince = 0;
  for (;;) {
    const w = ended();
    if (w !== null) return { why: w, readyAt };
    chores();
    if (monotonicMs() >= nextProbe) {
      const g = o.gate();
      if (!g.ok) o.log.warn({ reason: g.why }, "health probe not sent: the listener is not our Jupyter");
      const code = g.ok ? await wake.race(probe(g.endpoint, o.token, timeout, g.baseUrl)) : 0;
      const w2 = ended();
      if (w2 !== null) return { why: w2, readyAt };
      if (code === 200) failures = 0;
      else {
        if (failures === 0) failingSince = monotonicMs();
        failures += 1;
        o.log.warn(
          { failures, of: o.healthRetries, status: code, process: processState(j.identity.pid) },
          "health probe failed",
        );
        if (failures >= o.healthRetries) {
          const secs = Math.round((monotonicMs() - failingSince) / 1000 + o.healthIntervalMs / 1000);
          return {
            why: "hung",
            readyAt,
            detail: `${failures} probes failed over ~${secs} s; process state ${processState(j.identity.pid)}`,
          };
        }
      }
      nextProbe = monotonicMs() + o.healthIntervalMs;
    }
    await wake.sleep(Math.min(nextProbe, nextChores) - monotonicMs());
  }
}

/** A process's state letter with what it means, for the log (D: waiting on I/O such as a stalled filesystem). */
function processState(pid: number): string {
  const st = readProcStat(pid);
  if (st === null) return "gone";
  const meaning: Record<string, string> = {
    R: "running",
    S: "sleeping",
    D: "uninterruptible I/O wait (a stalled filesystem?)",
    T: "stopped",
    t: "traced",
    Z: "zombie",
  };
  return `${st.state} (${meaning[st.state] ?? "other"})`;
}
