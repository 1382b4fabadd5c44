// The detached backend's stop: SIGTERM to the supervisor (it stops the tree), with a SIGKILL fallback.
import type { StateRecord } from "../../core/types.js";
import { isAlive } from "../../io/process-identity.js";
import { descendants, signalOne, waitGone } from "../../io/process-tree.js";
import { writeState } from "../../io/state-file.js";
import { killOrphans, stopJupyterTree } from "../../supervisor/shutdown.js";
import type { InstanceView } from "../../commands/instance-status.js";

/** Stop a live instance: SIGTERM to the supervisor (it stops the tree), with a SIGKILL fallback. */
export async function stopInstance(view: InstanceView): Promise<void> {
  const record = view.record as StateRecord;
  const grace = record.options.stopTimeoutMs;
  // For the fallback only: a live supervisor has its own snapshot (record.children); walking /proc now would delay stop.
  const tree = view.supervisorAlive ? record.children : record.jupyter && isAlive(record.jupyter) ? descendants(record.jupyter.pid) : [];
  if (view.supervisorAlive && record.supervisor) {
    signalOne(record.supervisor, "SIGTERM");
    if (await waitGone([record.supervisor], grace + 5000)) return;
    signalOne(record.supervisor, "SIGKILL");
  }
  // No (working) supervisor: stop Jupyter's tree ourselves and record it.
  if (record.jupyter && isAlive(record.jupyter)) {
    const jupyter = record.jupyter;
    await stopJupyterTree(jupyter, waitGone([jupyter], grace + 5000), tree, grace);
  } else {
    // Jupyter died with the supervisor: its kernels (identity-checked) may still hold memory and GPUs.
    await killOrphans(tree);
  }
  writeState(view.paths.stateFile, { ...record, state: "stopped", jupyter: null, updatedAt: new Date().toISOString() });
}
