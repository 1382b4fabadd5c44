// Who listens on a local TCP port (Linux /proc): proves a forward of the master is in place without an `ssh -O` call.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Inodes of the sockets listening on 127.0.0.1:`port`, from /proc/net/tcp; null when there is no /proc (macOS). */
function listeningInodes(port: number): Set<string> | null {
  let text: string;
  try {
    text = readFileSync("/proc/net/tcp", "utf8");
  } catch {
    return null;
  }
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    // Fields: sl, local_address, rem_address, st (0A = LISTEN), queues, tr, retrnsmt, uid, timeout, inode.
    if (f[1] === want && f[3] === "0A" && f[9] !== undefined) inodes.add(f[9]);
  }
  return inodes;
}

/**
 * Does process `pid` hold the socket listening on 127.0.0.1:`port`? true/false on Linux; null when this system cannot
 * tell (no /proc): the caller then asks the master itself (`ssh -O forward`, which is idempotent).
 */
export function listensOn(pid: number, port: number): boolean | null {
  const inodes = listeningInodes(port);
  if (inodes === null) return null;
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m !== null && inodes.has(m[1] as string)) return true;
  }
  return false;
}
