// Secrets (tokens, instance ids, cookie secrets) from the kernel's CSPRNG. Read from /dev/urandom, the source
// node:crypto's randomBytes is seeded from: loading node:crypto costs the supervisor ~10 ms before Jupyter's spawn
// (its V8 flags make node compile the module from source, src/io/supervisor-argv.ts). node:crypto when that fails.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** `n` random bytes as hex (2n characters). */
export function randomHex(n: number): string {
  return randomBytes(n).toString("hex");
}

function randomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  let fd: number | null = null;
  try {
    fd = openSync("/dev/urandom", "r");
    // Only the character device: never a file planted in a chroot or a container's /dev.
    if (!fstatSync(fd).isCharacterDevice()) throw new Error("/dev/urandom is not a device");
    let off = 0;
    while (off < n) {
      const got = readSync(fd, buf, off, n - off, null);
      if (got <= 0) throw new Error("short read from /dev/urandom");
      off += got;
    }
    return buf;
  } catch {
    return process.getBuiltinModule("node:crypto").randomBytes(n);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
