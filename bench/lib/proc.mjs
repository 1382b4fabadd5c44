// Reads /proc: liveness, start time, CPU ticks, RSS and process trees (for "until every process is gone" timings).
import { readdirSync, readFileSync } from "node:fs";

/** Fields of /proc/PID/stat, or null when the process is gone. */
export function procStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[N - 3] is field N of proc(5).
  return {
    state: rest[0],
    ppid: Number(rest[1]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    startTime: Number(rest[19]),
  };
}

/** A live, non-zombie process? */
export function alive(pid) {
  const st = procStat(pid);
  return st !== null && st.state !== "Z" && st.state !== "X";
}

/** The same process as when `startTime` was read (never signal a reused PID). */
export function sameProcess(pid, startTime) {
  const st = procStat(pid);
  return st !== null && st.startTime === startTime && st.state !== "Z";
}

/** All live descendants of `root`, read from /proc. */
export function descendants(root) {
  const kids = new Map();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(Number(e));
    if (st === null || st.state === "Z") continue;
    kids.set(st.ppid, [...(kids.get(st.ppid) ?? []), Number(e)]);
  }
  const out = [];
  const queue = [root];
  while (queue.length > 0)
    for (const c of kids.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  return out;
}

/** Poll every `stepMs` until none of `pids` is alive; resolves with the time it happened (ms, hrtime). */
export async function waitAllGone(pids, timeoutMs = 30_000, stepMs = 2) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(alive)) return now();
    if (Date.now() > deadline) {
      const left = pids.filter(alive).map((p) => `${p} (${procStat(p)?.state}: ${cmdline(p).slice(0, 120)})`);
      throw new Error(`processes ${left.join(", ")} still alive after ${timeoutMs} ms`);
    }
    await sleep(stepMs);
  }
}

/** CPU time (user + system) of a process in clock ticks (getconf CLK_TCK per second). */
export function cpuTicks(pid) {
  const st = procStat(pid);
  if (st === null) throw new Error(`process ${pid} is gone`);
  return st.utime + st.stime;
}

/** Poll until `findPid()` names a process whose CPU time has not moved for two polls (100 ms apart); returns its PID. */
export async function waitSettled(findPid, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  let quiet = 0;
  for (;;) {
    const pid = findPid();
    const st = pid === undefined || pid === null ? null : procStat(pid);
    const ticks = st === null ? null : st.utime + st.stime;
    quiet = ticks !== null && ticks === last ? quiet + 1 : 0;
    last = ticks;
    if (quiet >= 2) return pid;
    if (Date.now() > deadline) throw new Error(`${what} did not start and settle within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Resident set size in MB (VmRSS), or null when gone. */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Command line of a process ('' when gone). */
export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Monotonic milliseconds. */
export function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Timer-based pause (only between measurements or inside polls, never as synchronization). */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
