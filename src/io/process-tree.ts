// Snapshots a process tree from /proc and signals it by identity, so kernels in their own session are included.
import { existsSync, readdirSync } from "node:fs";
import type { ProcessIdentity } from "../core/types.js";
import { bootId, hostName, isAlive, readProcStat } from "./process-identity.js";
import { readSmallFile } from "./proc-read.js";
import { monotonicMs } from "./clock.js";

/** All live descendants of `root` (not including root), with identities, read from /proc. */
export function descendants(root: number): ProcessIdentity[] {
  const host = hostName();
  const boot = bootId();
  const out: ProcessIdentity[] = [];
  const kidsOf = hasChildrenFiles() ? childrenFromTasks : childrenFromScan();
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of kidsOf(pid)) {
      out.push({ pid: child.pid, startTime: child.startTime, host, bootId: boot });
      queue.push(child.pid);
    }
  }
  return out;
}

type Child = { pid: number; startTime: number };

let childrenFiles: boolean | undefined;
/** /proc/PID/task/TID/children exists on kernels built with CONFIG_PROC_CHILDREN (most distributions). */
function hasChildrenFiles(): boolean {
  childrenFiles ??= existsSync(`/proc/self/task/${process.pid}/children`);
  return childrenFiles;
}

/** Children of one process from its threads' children files: a few reads instead of one per process on the host. */
function childrenFromTasks(pid: number): Child[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: Child[] = [];
  for (const task of tasks) {
    let text = "";
    try {
      text = readSmallFile(`/proc/${pid}/task/${task}/children`);
    } catch {
      continue;
    }
    for (const word of text.split(" ")) {
      const st = word === "" ? null : readProcStat(Number(word));
      if (st !== null && st.state !== "Z" && st.ppid === pid) out.push({ pid: st.pid, startTime: st.startTime });
    }
  }
  return out;
}

/** Fallback without children files: one pass over every /proc/PID/stat. */
function childrenFromScan(): (pid: number) => Child[] {
  const children = new Map<number, Child[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readProcStat(Number(entry));
    if (st === null || st.state === "Z") continue;
    const list = children.get(st.ppid) ?? [];
    list.push({ pid: st.pid, startTime: st.startTime });
    children.set(st.ppid, list);
  }
  return (pid) => children.get(pid) ?? [];
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

/** Poll until none of the processes is alive, or the deadline passes; true when all are gone. */
export async function waitGone(ids: readonly ProcessIdentity[], timeoutMs: number, stepMs = 25): Promise<boolean> {
  const deadline = monotonicMs() + timeoutMs;
  for (;;) {
    if (!ids.some((id) => isAlive(id))) return true;
    if (monotonicMs() >= deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
