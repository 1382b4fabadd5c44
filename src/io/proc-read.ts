// Reads small /proc files into one reused buffer: readFileSync on a /proc file (size 0) allocates a 64 KiB buffer per
// call, and a supervisor reading a few per loop turn grew its RSS by megabytes a day (README, Benchmark, figure 9).
import { closeSync, openSync, readFileSync, readSync } from "node:fs";

const buf = Buffer.allocUnsafe(16 * 1024);

/** The text of a small file (read whole with readFileSync when it does not fit the buffer); throws like readFileSync. */
export function readSmallFile(path: string): string {
  const fd = openSync(path, "r");
  let n = 0;
  try {
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) return buf.toString("utf8", 0, n);
      n += r;
      if (n === buf.length) break;
    }
  } finally {
    closeSync(fd);
  }
  return readFileSync(path, "utf8");
}
