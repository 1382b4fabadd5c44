// Snapshots a process tree from /proc and signals it by identity, so kernels in their own session are included.
import { readdirSync } from "node:fs";
import treeKill from "tree-kill";
import type { ProcessIdentity } from "../core/types.js";
import { bootId, hostName, isAlive, readProcStat } from "./process-identity.js";

/** All live descendants of `root` (not including root), with identities, read from /proc. */
export function descendants(root: number): ProcessIdentity[] {
  const children = new Map<number, { pid: number; startTime: number }[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readProcStat(Number(entry));
    if (st === null || st.state === "Z") continue;
    const list = children.get(st.ppid) ?? [];
    list.push({ pid: st.pid, startTime: st.startTime });
    children.set(st.ppid, list);
  }
  const host = hostName();
  const boot = bootId();
  const out: ProcessIdentity[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      out.push({ pid: child.pid, startTime: child.startTime, host, bootId: boot });
      queue.push(child.pid);
    }
  }
  return out;
}

/** Send a signal to each process of the list that is still the same process; returns how many were signalled. */
export function signalAll(ids: readonly ProcessIdentity[], signal: NodeJS.Signals): number {
  let n = 0;
  for (const id of ids) {
    if (!isAlive(id)) continue;
    try {
      process.kill(id.pid, signal);
      n += 1;
    } catch {
      // Exited between the check and the signal.
    }
  }
  return n;
}

/** Signal one identified process; false when it is no longer that process. */
export function signalOne(id: ProcessIdentity | null | undefined, signal: NodeJS.Signals): boolean {
  if (!id || !isAlive(id)) return false;
  try {
    process.kill(id.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL a verified live process and every current descendant (tree-kill walks the tree with ps). */
export function killTree(id: ProcessIdentity): Promise<void> {
  if (!isAlive(id)) return Promise.resolve();
  return new Promise((resolve) => treeKill(id.pid, "SIGKILL", () => resolve()));
}

/** Poll until none of the processes is alive, or the deadline passes; true when all are gone. */
export async function waitGone(ids: readonly ProcessIdentity[], timeoutMs: number, stepMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!ids.some((id) => isAlive(id))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
