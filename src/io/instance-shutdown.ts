// Stops one Jupyter and cleans up its instance's processes by marker: SIGTERM (its clean shutdown stops kernels),
// a grace period, SIGKILL; then what the policy kills among the marked processes left (core/instance-processes).
import { partitionByFate, partitionForAdoption } from "../core/instance-processes.js";
import type { ProcessIdentity } from "../core/types.js";
import { findInstanceProcesses, type InstanceProcess } from "../io/instance-processes.js";
import { signalAll, signalOne, waitGone } from "../io/process-tree.js";

/** What a cleanup did: the processes it killed and the detached ones it left running. */
export interface Cleanup {
  killed: InstanceProcess[];
  kept: InstanceProcess[];
}

/** Stop Jupyter (SIGTERM, `graceMs`, SIGKILL), then clean up the instance's other processes. */
export async function stopJupyterTree(
  jupyter: ProcessIdentity,
  exited: Promise<unknown>,
  instanceId: string | null,
  graceMs: number,
): Promise<Cleanup> {
  signalOne(jupyter, "SIGTERM");
  signalOne(jupyter, "SIGCONT"); // a stopped (hung) process handles SIGTERM only once continued
  const clean = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!clean) signalOne(jupyter, "SIGKILL");
  await exited;
  // Kernels that outlived a clean shutdown get a short grace of their own, then SIGKILL.
  return cleanupInstance(instanceId, Math.min(graceMs, 3000));
}

/** Kill the instance's marked processes that the policy kills (SIGTERM, `graceMs`, SIGKILL; 0: SIGKILL at once). */
export async function cleanupInstance(
  instanceId: string | null,
  graceMs: number,
  jupyter: ProcessIdentity | null = null,
): Promise<Cleanup> {
  if (instanceId === null) return { killed: [], kept: [] };
  const { kill, keep } = partitionByFate(findInstanceProcesses(instanceId, { jupyter }));
  const ids = kill.map((p) => p.identity);
  if (graceMs > 0 && signalAll(ids, "SIGTERM") > 0) {
    signalAll(ids, "SIGCONT");
    if (!(await waitGone(ids, graceMs))) signalAll(ids, "SIGKILL");
  } else {
    signalAll(ids, "SIGKILL");
  }
  await waitGone(ids, 2000);
  return { killed: kill, kept: keep };
}

/** After a Jupyter whose kernels the next one re-adopts ended: kill the rest per policy; `adopt` are the kept kernels (and their children). */
export async function cleanupForAdoption(instanceId: string | null): Promise<Cleanup & { adopt: InstanceProcess[] }> {
  if (instanceId === null) return { killed: [], kept: [], adopt: [] };
  const { kill, keep, adopt } = partitionForAdoption(findInstanceProcesses(instanceId));
  const ids = kill.map((p) => p.identity);
  signalAll(ids, "SIGKILL");
  await waitGone(ids, 2000);
  return { killed: kill, kept: keep, adopt };
}

/** Let keepers go (each exits on SIGTERM; orphans left go to init; one with no children left has exited already). */
export function releaseKeepers(record: { keepers?: ProcessIdentity[] }): void {
  signalAll(record.keepers ?? [], "SIGTERM");
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
