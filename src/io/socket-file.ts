// Unix-socket housekeeping for socket mode: remove a stale socket file, check the path length limit.
import { lstatSync, unlinkSync } from "node:fs";
import { JlremoteError, ExitCode } from "../core/errors.js";

/** Longest unix socket path the kernel accepts (sun_path is 108 bytes, NUL included). */
const maxSocketPath = 107;

/** Remove the socket file if one is there (a stale one from a crash); refuse to touch anything that is not a socket. */
export function removeStaleSocket(path: string): void {
  if (Buffer.byteLength(path) > maxSocketPath) {
    throw new JlremoteError(
      `socket path ${path} is longer than ${maxSocketPath} bytes; set XDG_STATE_HOME to a shorter directory`,
      ExitCode.usage,
    );
  }
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new JlremoteError(`${path} exists and is not a socket; remove it`, ExitCode.failure);
  unlinkSync(path);
}

/** Why the socket file is not ours to send the token to (not a socket, another owner, open mode), or null when it is. */
export function distrustSocket(path: string): string | null {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return `${path} does not exist (yet)`;
  }
  const uid = process.getuid?.();
  if (!st.isSocket()) return `${path} is not a socket`;
  if (uid !== undefined && st.uid !== uid) return `${path} belongs to uid ${st.uid}`;
  if ((st.mode & 0o077) !== 0) return `${path} has mode ${(st.mode & 0o777).toString(8)}, not 600`;
  return null;
}
