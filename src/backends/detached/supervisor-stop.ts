// The detached backend's stop: SIGTERM to the supervisor (it stops the tree); else, under the start lock, do it here.
import { fsErrorText } from "../../core/errors.js";
import type { ProcessIdentity, StateRecord } from "../../core/types.js";
import { describeProcess } from "../../io/instance-processes.js";
import { acquireLock } from "../../io/lock.js";
import { hostName, isAlive } from "../../io/process-identity.js";
import { signalOne, waitGone } from "../../io/process-tree.js";
import { endSupervisor, supervisorStopped, type StopOutcome, type SupervisorEnd } from "./supervisor-end.js";
import { readState, writeState } from "../../io/state-file.js";
import { cleanupInstance, releaseKeepers, stopJupyterTree, type Cleanup } from "../../io/instance-shutdown.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";

/**
 * Stop an instance: SIGTERM to a live supervisor (it stops the tree); else, under the start lock, do it here. `ended`:
 * the supervisor was signalled already (endSupervisor, before this module loaded).
 */
export async function stopInstance(
  view: InstanceView,
  ctx: Pick<BackendContext, "err">,
  ended: SupervisorEnd | null = null,
): Promise<StopOutcome> {
  const record = view.record;
  if (record === null) return { killed: 0, detached: 0 };
  const grace = record.options.stopTimeoutMs;
  if (view.supervisorAlive && record.supervisor) {
    if (await (ended ?? (await endSupervisor(record.supervisor, view.paths.dir, grace))).gone)
      return supervisorStopped(view.paths.stateFile);
    signalOne(record.supervisor, "SIGKILL");
  }
  if (record.host !== hostName()) return { killed: 0, detached: 0 };
  const release = await acquireLock(view.paths.lockFile, 30_000, (e) =>
    ctx.err(`warning: start lock compromised: ${e.message}`),
  );
  try {
    const now = readState(view.paths.stateFile);
    // A start that claimed the instance meanwhile owns it now: neither its processes nor its record are touched.
    if (now.kind !== "ok" || !sameClaim(now.record, record)) return { killed: 0, detached: 0 };
    const id = record.instanceId ?? null;
    let cleanup: Cleanup;
    if (record.jupyter && isAlive(record.jupyter)) {
      const jupyter = record.jupyter;
      cleanup = await stopJupyterTree(jupyter, waitGone([jupyter], grace + 5000), id, grace);
    } else {
      // Supervisor and Jupyter died uncleanly: their kernels (found by marker, identity-checked) lost their server.
      cleanup = await cleanupInstance(id, 0);
    }
    // The keepers of a SIGKILLed supervisor held those kernels; they leave now (detached jobs go to init).
    releaseKeepers(record);
    const unchanged =
      now.record.state === "stopped" &&
      cleanup.killed.length === 0 &&
      cleanup.kept.length === (now.record.detachedProcesses ?? 0);
    try {
      if (!unchanged)
        writeState(view.paths.stateFile, {
          ...now.record,
          state: "stopped",
          jupyter: null,
          detachedProcesses: cleanup.kept.length,
          updatedAt: new Date().toISOString(),
        });
    } catch (err) {
      ctx.err(`warning: could not record the stop: ${fsErrorText(err, view.paths.stateFile)}`);
    }
    return {
      killed: record.jupyter && view.jupyterAlive ? 0 : cleanup.killed.length,
      detached: cleanup.kept.map(describeProcess),
    };
  } finally {
    await release();
  }
}

function sameClaim(a: StateRecord, b: StateRecord): boolean {
  return a.instanceId === b.instanceId && sameId(a.supervisor, b.supervisor);
}

function sameId(a: ProcessIdentity | null, b: ProcessIdentity | null): boolean {
  return a === b || (a !== null && b !== null && a.pid === b.pid && a.startTime === b.startTime && a.host === b.host);
}

export { stopMessage, type StopOutcome } from "./supervisor-end.js";
