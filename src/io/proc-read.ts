// Reads /proc files through reused buffers: readFileSync on a /proc file (size 0) allocates a 64 KiB buffer per call,
// and a supervisor reading a few per loop turn grew its RSS by megabytes a day (README, Benchmark, figure 9).
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

const chunk = Buffer.allocUnsafe(64 * 1024);

/**
 * The lines of a file that contain `needle` (ASCII, no newline). The file goes through one reused 64 KiB buffer and
 * only matching lines are decoded: a /proc/net/tcp of thousands of sockets, read before every health probe, then
 * leaves no garbage for the lines that do not match (README, Benchmark, figure 9). A line longer than the buffer never
 * matches. Throws like openSync.
 */
export function grepLines(path: string, needle: string): string[] {
  const fd = openSync(path, "r");
  const hits: string[] = [];
  let held = 0;
  let overlong = false;
  try {
    for (;;) {
      const r = readSync(fd, chunk, held, chunk.length - held, null);
      const end = held + r;
      // Whole lines end at `stop`; the partial last one moves to the front for the next read (at EOF it counts).
      let stop = r === 0 ? end : chunk.lastIndexOf(10, end - 1) + 1;
      let start = 0;
      if (overlong) {
        // The rest of a line longer than the buffer: skipped up to its newline.
        const nl = chunk.indexOf(10);
        start = nl === -1 || nl >= end ? end : nl + 1;
        overlong = nl === -1 || nl >= end;
        if (overlong) stop = end;
      } else if (stop === 0 && end === chunk.length) {
        overlong = true;
        stop = end;
        start = end;
      }
      for (
        let at = chunk.indexOf(needle, start, "latin1");
        at !== -1 && at < stop;
        at = chunk.indexOf(needle, at + 1, "latin1")
      ) {
        let to = chunk.indexOf(10, at);
        if (to === -1 || to > stop) to = stop;
        // At EOF a match may run into stale bytes past the data.
        if (to < at + needle.length) break;
        hits.push(chunk.toString("latin1", Math.max(start, chunk.lastIndexOf(10, at) + 1), to));
        at = to;
      }
      if (r === 0) return hits;
      chunk.copy(chunk, 0, stop, end);
      held = end - stop;
    }
  } finally {
    closeSync(fd);
  }
}
