// The detached backend's stop: SIGTERM to the supervisor (it stops the tree); else, under the start lock, do it here.
import { fsErrorText } from "../../core/errors.js";
import type { ProcessIdentity, StateRecord } from "../../core/types.js";
import { describeProcess } from "../../io/instance-processes.js";
import { acquireLock } from "../../io/lock.js";
import { hostName, isAlive } from "../../io/process-identity.js";
import { signalOne, waitGone } from "../../io/process-tree.js";
import { endSupervisor, type SupervisorEnd } from "./supervisor-end.js";
import { readState, writeState } from "../../io/state-file.js";
import { cleanupInstance, releaseKeepers, stopJupyterTree, type Cleanup } from "../../io/instance-shutdown.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";

/** What a stop did besides stopping the supervisor and Jupyter. */
export interface StopOutcome {
  /** Processes killed by the stop itself (orphans of a crashed instance); a live supervisor's own cleanup is not counted. */
  killed: number;
  /** Detached processes left running, as described by the cleanup or recorded by the supervisor. */
  detached: string[] | number;
}

/** The note about detached processes a stop left running (nohup/setsid jobs). */
function detachedNote(d: string[] | number): string {
  const n = typeof d === "number" ? d : d.length;
  if (n === 0) return "";
  const list = typeof d === "number" ? "" : `: ${d.join(", ")}`;
  return `left ${n} detached process(es) running (nohup/setsid jobs; see \`jlremote logs\`)${list}`;
}

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
    if (await (ended ?? (await endSupervisor(record.supervisor, view.paths.dir, grace))).gone) {
      const after = readState(view.paths.stateFile);
      return { killed: 0, detached: after.kind === "ok" ? (after.record.detachedProcesses ?? 0) : 0 };
    }
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

/** The one stderr line of a stop: what happened, plus killed orphans and detached processes left. */
export function stopMessage(head: string, out: StopOutcome): string {
  const extra = [out.killed > 0 ? `killed ${out.killed} orphaned kernel process(es)` : "", detachedNote(out.detached)]
    .filter(Boolean)
    .join("; ");
  return `jlremote: ${head}${extra ? `; ${extra}` : ""}`;
}
