// Stops one Jupyter tree: SIGTERM (its clean shutdown stops kernels), a grace period, then SIGKILL of what is left.
import type { ProcessIdentity } from "../core/types.js";
import { isAlive } from "../io/process-identity.js";
import { descendants, killTree, signalAll, signalOne, waitGone } from "../io/process-tree.js";

/** Stop Jupyter and everything under it; `known` are descendants seen earlier (kernels may be orphans by now). */
export async function stopJupyterTree(
  jupyter: ProcessIdentity,
  exited: Promise<unknown>,
  known: readonly ProcessIdentity[],
  graceMs: number,
): Promise<void> {
  const tree = mergeIds(known, descendants(jupyter.pid));
  signalOne(jupyter, "SIGTERM");
  signalOne(jupyter, "SIGCONT"); // a stopped (hung) process handles SIGTERM only once continued
  const clean = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!clean) await killTree(jupyter);
  await exited;
  // Kernels that outlived a clean shutdown get a short grace of their own, then SIGKILL.
  if (signalAll(tree, "SIGTERM") > 0 && !(await waitGone(tree, Math.min(graceMs, 3000)))) signalAll(tree, "SIGKILL");
  await waitGone(tree, 2000);
}

/** Kill orphans left by an unclean exit: SIGKILL right away, they have lost their server anyway. */
export async function killOrphans(known: readonly ProcessIdentity[]): Promise<number> {
  const n = signalAll(known, "SIGKILL");
  if (n > 0) await waitGone(known, 2000);
  return n;
}

/** What a dead supervisor left: recorded descendants and everything under its keepers (kept or re-adopted kernels). */
export function leftovers(record: { children?: ProcessIdentity[]; keepers?: ProcessIdentity[] }): ProcessIdentity[] {
  const keepers = (record.keepers ?? []).filter((k) => isAlive(k));
  return mergeIds(record.children ?? [], keepers.flatMap((k) => descendants(k.pid)));
}

/** Let a dead supervisor's keepers go (each exits on SIGTERM; one with no children left has exited already). */
export function releaseKeepers(record: { keepers?: ProcessIdentity[] }): void {
  signalAll(record.keepers ?? [], "SIGTERM");
}

/** Union of identity lists by PID + start time. */
export function mergeIds(a: readonly ProcessIdentity[], b: readonly ProcessIdentity[]): ProcessIdentity[] {
  const seen = new Map<string, ProcessIdentity>();
  for (const id of [...a, ...b]) seen.set(`${id.pid}:${id.startTime}`, id);
  return [...seen.values()];
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
