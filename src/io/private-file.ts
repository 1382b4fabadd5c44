// Trust checks for files and directories jlremote reads back: ours, not symlinks, not writable by group or others.
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from "node:fs";

/** Why a path is not trusted (one line, with a hint), or null when it is fine. */
export function distrust(path: string, st: Stats, kind: "file" | "directory", uid = process.getuid?.()): string | null {
  if (st.isSymbolicLink()) return `${path} is a symbolic link; refusing to follow it: remove it`;
  if (kind === "file" ? !st.isFile() : !st.isDirectory()) return `${path} is not a regular ${kind}; remove it`;
  if (uid !== undefined && st.uid !== uid)
    return `${path} belongs to uid ${st.uid}, not to you (uid ${uid}); refusing to use it: remove it or set XDG_STATE_HOME to a directory of your own`;
  if ((st.mode & 0o022) !== 0)
    return `${path} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); refusing to use it: remove it`;
  return null;
}

/** Result of reading a private file. */
export type PrivateRead = { kind: "absent" } | { kind: "untrusted"; message: string } | { kind: "ok"; text: string };

/** Read a file only if it is trusted; opened with O_NOFOLLOW, checked on the open descriptor (no check-then-open race). */
export function readPrivateFile(path: string): PrivateRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "absent" };
    if (code === "ELOOP")
      return { kind: "untrusted", message: `${path} is a symbolic link; refusing to follow it: remove it` };
    throw err;
  }
  try {
    const why = distrust(path, fstatSync(fd), "file");
    if (why !== null) return { kind: "untrusted", message: why };
    return { kind: "ok", text: readFileSync(fd, "utf8") };
  } finally {
    closeSync(fd);
  }
}

/** Check a directory without following a symlink; absent → null, else the reason it is not trusted (or null). */
export function distrustDir(path: string): string | null {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  return distrust(path, st, "directory");
}
