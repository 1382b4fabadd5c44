// Writes a file so that readers see the old or the new content, never a partial one (temp file + fsync + rename).
import { chmodSync, closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";

/**
 * Write `text` to `file` atomically with `mode` (set exactly, whatever the umask); on failure the old file stays and the
 * error is thrown. `durable: false` skips the fsync: for a file rewritten before every use, whose loss in a power cut
 * costs nothing (readers still see the old or the new content).
 */
export function writeFileAtomic(file: string, text: string, mode: number, durable = true): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    unlinkSync(tmp);
  } catch {
    /* no stale temp file */
  }
  // O_EXCL|O_NOFOLLOW: a symlink planted under the temp name (a shared --bin-dir) is never written through.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    const data = Buffer.from(text);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created fully */
    }
    throw err;
  }
}
