// After a watched Jupyter run ended: what is stopped, killed or kept for the next Jupyter, and what is recorded.
import type pino from "pino";
import type { InstanceOptions, StateRecord } from "../core/types.js";
import { describeProcess } from "../io/instance-processes.js";
import { cleanupForAdoption, cleanupInstance, stopJupyterTree, type Cleanup } from "../io/instance-shutdown.js";
import { signalOne, waitGone } from "../io/process-tree.js";
import { leaderExit } from "../io/leader-exit.js";
import type { RunEnd, WatchedJupyter } from "./jupyter-run.js";
import type { KernelKeeping } from "./kernel-keeping.js";
import type { StateWriter } from "./state-writer.js";

/** After a watch ended: stop what must be stopped, clean up the instance's processes, record the exit. */
export async function finishRun(
  j: WatchedJupyter,
  end: RunEnd,
  options: InstanceOptions,
  writer: StateWriter,
  log: pino.Logger,
  kernels: KernelKeeping,
): Promise<void> {
  const id = writer.record.instanceId;
  // A Jupyter that loaded jlremote's extension leaves its kernels to the keeper for the next one to re-adopt.
  const keep = (end.why === "exit" || end.why === "hung" || end.why === "restart") && kernels.survives(j.identity.pid);
  if (end.why === "hung")
    log.warn(
      { why: end.detail },
      `jupyter counts as hung: restarting it (its kernels are ${keep ? "kept for the next one" : "killed with it"})`,
    );
  // Kept: SIGKILL, since Jupyter's clean shutdown would stop the kernels.
  if (keep && end.why !== "exit") signalOne(j.identity, "SIGKILL");
  // A stop goes on as soon as Jupyter's main thread has exited (its status in /proc), not when the keeper is told, which
  // is after its memory is unmapped (io/leader-exit.ts).
  const exited = end.why === "stop" ? firstEnd(j) : j.exited;
  const cleanup =
    end.why === "exit" || keep
      ? null
      : await stopJupyterTree(
          j.identity,
          // On a stop the keeper leaves as soon as Jupyter is gone, while the leftovers are looked for.
          end.why === "stop"
            ? exited.then((e) => {
                kernels.letGo();
                return e;
              })
            : exited,
          id,
          end.why === "hung" ? Math.min(options.stopTimeoutMs, 5000) : options.stopTimeoutMs,
        );
  const ex = await exited;
  const reason = {
    exit: "exited",
    timeout: `not ready within ${options.readyTimeoutMs / 1000} s`,
    hung: `not answering /api/status (${end.detail ?? `${options.healthRetries} probes failed`})`,
    stop: "stop requested",
    restart: "restart requested",
    open: "served without authentication",
    forbidden: "refused jlremote's token",
  }[end.why];
  const exitRecord = {
    lastExit: { code: ex.code, signal: ex.signal, at: new Date().toISOString(), reason },
    jupyter: null,
    state: end.why === "stop" ? writer.record.state : ("restarting" as const),
    listenerVerifiedAt: null,
  };
  // On a stop the "stopped" record follows at once and writes this too: one fsync fewer before the supervisor exits.
  if (end.why === "stop") writer.stage(exitRecord);
  else writer.update(exitRecord);
  log.info({ code: ex.code, signal: ex.signal, reason }, "jupyter exited");
  if (keep) {
    const c = await cleanupForAdoption(id);
    recordCleanup(writer, log, c, end.why === "exit" ? "left by an unclean exit" : `after ${end.why}`);
    const n = kernels.collect(c.adopt);
    if (n > 0) log.info({ kernels: n }, "kernels kept for the next Jupyter to re-adopt");
    return;
  }
  // An unclean exit: the kernels lost their server; SIGKILL them at once (found by marker, however young).
  recordCleanup(
    writer,
    log,
    cleanup ?? (await cleanupInstance(id, 0)),
    end.why === "exit" ? "left by an unclean exit" : `after ${end.why}`,
  );
}

/** Log what a cleanup killed and kept, and record the count of detached processes left running. */
export function recordCleanup(writer: StateWriter, log: pino.Logger, c: Cleanup, when: string): void {
  const kernels = c.killed.filter((p) => p.kind === "kernel").length;
  if (c.killed.length > 0)
    log.warn(
      { killed: c.killed.map(describeProcess), kernels },
      `killed ${kernels} orphaned kernels and ${c.killed.length - kernels} other processes ${when}`,
    );
  if (c.kept.length > 0)
    log.warn(
      { detached: c.kept.map(describeProcess) },
      `left ${c.kept.length} detached processes running (nohup/setsid jobs of the instance)`,
    );
  if (writer.record.detachedProcesses !== c.kept.length) writer.update({ detachedProcesses: c.kept.length });
}

/**
 * A stopped Jupyter's end: the keeper's report of its exit, or its zombie main thread's status in /proc when that comes
 * first. An adopted one has no report coming: found gone (its parent, a former keeper, reaped it), it ended then, with
 * no status known (as its poll would say, up to 250 ms later).
 */
export function firstEnd(j: WatchedJupyter): WatchedJupyter["exited"] {
  const zombie = leaderExit(j.identity, j.exited);
  // null before the report: the process is gone or another, or a zombie without a status.
  return Promise.race([j.exited, zombie.then((e) => e ?? (j.adopted ? { code: null, signal: null } : j.exited))]);
}

/** Watch a Jupyter that is not our child: its exit is seen by polling its identity. */
export function adopted(record: StateRecord): WatchedJupyter {
  const identity = record.jupyter as NonNullable<StateRecord["jupyter"]>;
  const exited = (async () => {
    while (!(await waitGone([identity], 3_600_000, 250))) {
      /* keep watching */
    }
    return { code: null, signal: null };
  })();
  return { identity, exited, adopted: true };
}
