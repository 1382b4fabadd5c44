// Who holds the TCP listener on 127.0.0.1:PORT: our identity-checked Jupyter (or a descendant), nobody, or someone else.
import { readdirSync, readlinkSync } from "node:fs";
import {
  judgeListeners,
  listenersFor,
  parseListeners,
  type ListenerVerdict,
  type TcpListener,
} from "../core/proc-net.js";
import type { ProcessIdentity } from "../core/types.js";
import { isAlive } from "./process-identity.js";
import { grepLines } from "./proc-read.js";
import { descendants } from "./process-tree.js";

/** A listener that is not ours: its uid (from /proc/net) and PID when /proc lets us see it. */
export interface ForeignHolder {
  uid: number;
  pid: number | null;
}

/** The verdict for `port`, with the holder's PID looked up when it is foreign. */
export type ListenerCheck = { kind: "ours" } | { kind: "none" } | { kind: "foreign"; holder: ForeignHolder };

/** Every LISTEN socket in /proc/net/tcp and tcp6 (only lines with state 0A are decoded: the files can be large). */
export function readListeners(): TcpListener[] {
  const out: TcpListener[] = [];
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      out.push(...parseListeners(grepLines(f, " 0A ").join("\n")));
    } catch {
      /* no IPv6 */
    }
  }
  return out;
}

/** Socket inodes among a process's open files (empty when it is gone or not ours to read). */
function socketInodes(pid: number): number[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const fd of fds) {
    let link = "";
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

/** Does the listener on 127.0.0.1:port belong to `owner` (identity-checked now) or one of its descendants? */
export function checkListener(port: number, owner: ProcessIdentity, host = "127.0.0.1"): ListenerCheck {
  const listeners = readListeners();
  const ours = new Set<number>();
  // Nothing listens yet (Jupyter still starting): no need to read any process's open files.
  if (listenersFor(port, listeners, host).length === 0) return { kind: "none" };
  if (isAlive(owner)) {
    for (const pid of [owner.pid, ...descendants(owner.pid).map((d) => d.pid)])
      for (const i of socketInodes(pid)) ours.add(i);
    // Re-check: a PID that died and was reused while we read its fds must not vouch for anything.
    if (!isAlive(owner)) ours.clear();
  }
  return withHolder(judgeListeners(port, listeners, ours, host));
}

/** Who listens on 127.0.0.1:port now, when it is not one of ours (our process is gone): null when nobody does. */
export function portHolder(port: number, host = "127.0.0.1"): ForeignHolder | null {
  const v = withHolder(judgeListeners(port, readListeners(), new Set(), host));
  return v.kind === "foreign" ? v.holder : null;
}

function withHolder(v: ListenerVerdict): ListenerCheck {
  if (v.kind !== "foreign") return v;
  return { kind: "foreign", holder: { uid: v.uid, pid: pidHolding(v.inode) } };
}

/** The PID holding a socket inode, when /proc shows it to us (root, or the same user); else null. */
function pidHolding(inode: number): number | null {
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  for (const p of pids) if (socketInodes(Number(p)).includes(inode)) return Number(p);
  return null;
}

/** One line naming a foreign holder, for logs and errors. */
export function describeHolder(h: ForeignHolder): string {
  return `uid ${h.uid}${h.pid !== null ? `, pid ${h.pid}` : ", pid not visible"}`;
}
