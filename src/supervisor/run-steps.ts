// The supervisor loop's steps around one Jupyter run (supervisor.ts): spawn it and record it, record it ready or
// stopped, and the restart policy's answer after a crash.
import type pino from "pino";
import type { JupyterFlavour } from "../core/jupyter-config.js";
import { decideRestart, defaultRestartPolicy, giveUpReason } from "../core/restart-policy.js";
import type { InstanceOptions } from "../core/types.js";
import type { RunEnd, WatchedJupyter } from "./jupyter-run.js";
import type { KernelKeeping } from "./kernel-keeping.js";
import { launchJupyter, type Launch } from "./launch.js";
import { giveUp } from "./record.js";
import type { StateWriter } from "./state-writer.js";
import type { Wakeup } from "./wakeup.js";
import { monotonicMs } from "../io/clock.js";

/** Spawn a Jupyter and record it; a spawn that fails gives up. */
export async function spawnStep(
  launch: Launch,
  options: InstanceOptions,
  flavour: JupyterFlavour,
  everReady: boolean,
  log: pino.Logger,
): Promise<WatchedJupyter> {
  const { writer, kernels } = launch;
  let current: WatchedJupyter;
  try {
    current = await launchJupyter(launch, options, flavour);
  } catch (err) {
    throw giveUp(writer, `cannot run ${options.jupyter}: ${(err as Error).message}`);
  }
  writer.update({
    jupyter: current.identity,
    state: everReady ? "restarting" : "starting",
    listenerVerifiedAt: null,
    keepers: kernels.keepers(),
  });
  log.info({ jupyterPid: current.identity.pid, flavour }, "jupyter spawned");
  return current;
}

/** Jupyter answered through a verified listener: record it running (and which kernels it re-adopted). */
export async function recordReady(
  writer: StateWriter,
  kernels: KernelKeeping,
  watched: WatchedJupyter,
  baseUrl: string,
  log: pino.Logger,
): Promise<void> {
  const verifiedAt = new Date().toISOString();
  const adoption = await kernels.afterReady(watched.identity.pid);
  writer.update({
    state: "running",
    startedAt: writer.record.startedAt ?? verifiedAt,
    reason: null,
    baseUrl,
    listenerVerifiedAt: verifiedAt,
    adoption,
  });
  log.info({ port: writer.record.port, socket: writer.record.socket, baseUrl }, "jupyter ready");
}

/** Record a clean end; a reason (a job's end, an idle shutdown) is also the job's end reason. */
export function recordStopped(writer: StateWriter, reason: string | null): void {
  writer.update({
    state: "stopped",
    reason,
    ...(reason && writer.record.job ? { job: { ...writer.record.job, endReason: reason } } : {}),
  });
}

/** The restart policy after a crash: the failure count to go on with, "stopped" when a stop came during the delay. */
export async function restartAfterCrash(
  writer: StateWriter,
  end: RunEnd,
  everReady: boolean,
  failures: number,
  options: InstanceOptions,
  wake: Wakeup,
  log: pino.Logger,
): Promise<number | "stopped"> {
  const d = decideRestart(
    {
      becameReady: end.readyAt !== null,
      readyForMs: end.readyAt === null ? 0 : monotonicMs() - end.readyAt,
      everReady,
      failuresBefore: failures,
      stopping: false,
    },
    { ...defaultRestartPolicy, maxRestarts: options.maxRestarts },
  );
  if (d.kind !== "restart") throw giveUp(writer, giveUpReason(end.why, d, options.readyTimeoutMs));
  writer.update({ state: "restarting", restarts: writer.record.restarts + 1 });
  log.warn({ delayMs: d.delayMs, failures: d.failures, after: end.why }, "restarting jupyter");
  if (d.delayMs > 0) {
    await wake.sleep(d.delayMs);
    if (wake.pending === "stop") {
      writer.update({ state: "stopped" });
      return "stopped";
    }
  }
  return d.failures;
}
