// Process identity from /proc: a PID is ours only if host, boot id and start time match and it is no zombie.
import { readFileSync } from "node:fs";
import type { ProcessIdentity } from "../core/types.js";

/** Parsed fields of /proc/PID/stat that we use. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  /** Session id (field 6). */
  sid: number;
  /** Controlling terminal (field 7; 0 for none). */
  ttyNr: number;
  startTime: number;
  /**
   * Field 52: its waitpid status once it has exited (a zombie); null where the kernel does not show it (before 3.5).
   * 0 for a process another uid may not trace (the kernel hides it): read only for our own Jupyter.
   */
  exitStatus: number | null;
}

/**
 * Read /proc/PID/stat; null when the process does not exist. As UTF-8, which node reads natively: no buffer of its own
 * (readFileSync without an encoding allocates 64 KiB for a /proc file, io/proc-read.ts) and, unlike readSmallFile, no
 * Buffer decoding to compile at a status's first read (~0.1 ms of it, figure 1a).
 */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return parseProcStat(text);
}

/** Parse a /proc/PID/stat line (the command name may contain spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const pid = Number.parseInt(text.slice(0, text.indexOf(" ")), 10);
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const state = rest[0] ?? "?";
  const ppid = Number(rest[1]);
  const sid = Number(rest[3]);
  const ttyNr = Number(rest[4]);
  const startTime = Number(rest[19]);
  const exitStatus = rest.length > 49 ? Number(rest[49]) : Number.NaN;
  if (!Number.isFinite(pid) || !Number.isFinite(startTime)) return null;
  return { pid, state, ppid, sid, ttyNr, startTime, exitStatus: Number.isInteger(exitStatus) ? exitStatus : null };
}

let cachedBootId: string | undefined;
/** This boot's id (/proc/sys/kernel/random/boot_id). */
export function bootId(): string {
  cachedBootId ??= readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  return cachedBootId;
}

let cachedHostName: string | undefined;
/**
 * This host's name as recorded in state files: the kernel's (uname's nodename, as node:os gives it), read from /proc
 * without loading node:os (~0.15 ms of every status, figure 1a); node:os where /proc does not answer. Read once per
 * process, as the boot id: a host renamed under a running supervisor must not make it disown what it recorded.
 */
export function hostName(): string {
  if (cachedHostName !== undefined) return cachedHostName;
  try {
    const name = readFileSync("/proc/sys/kernel/hostname", "utf8").trim();
    if (name !== "") cachedHostName = name;
  } catch {
    // No procfs here: node's own call.
  }
  cachedHostName ??= process.getBuiltinModule("node:os").hostname();
  return cachedHostName;
}

/** The identity of a live process on this host, or null if it is gone. */
export function identify(pid: number): ProcessIdentity | null {
  const st = readProcStat(pid);
  if (st === null || isDead(st.state)) return null;
  return { pid, startTime: st.startTime, host: hostName(), bootId: bootId() };
}

/** Is this recorded process still the very same live process? */
export function isAlive(id: ProcessIdentity | null | undefined): boolean {
  if (!id) return false;
  if (id.host !== hostName() || id.bootId !== bootId()) return false;
  const st = readProcStat(id.pid);
  return st !== null && !isDead(st.state) && st.startTime === id.startTime;
}

function isDead(state: string): boolean {
  return state === "Z" || state === "X" || state === "x";
}
