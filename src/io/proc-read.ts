// Reads /proc files through reused buffers: readFileSync on a /proc file (size 0) allocates a 64 KiB buffer per call,
// and a supervisor reading a few per loop turn grew its RSS by megabytes a day (README, Benchmark, figure 9).
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";

/** One buffer of `size` bytes for a reader, made at its first read (a status reads none of these files) and reused. */
function reusedBuffer(size: number): () => Buffer {
  let buf: Buffer | undefined;
  return () => (buf ??= Buffer.allocUnsafe(size));
}

const smallBuf = reusedBuffer(16 * 1024);

/** The text of a small file (read whole with readFileSync when it does not fit the buffer); throws like readFileSync. */
export function readSmallFile(path: string): string {
  const buf = smallBuf();
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

const chunkBuf = reusedBuffer(64 * 1024);

/**
 * The lines of a file that contain `needle` (ASCII, no newline). The file goes through one reused 64 KiB buffer and
 * only matching lines are decoded: a /proc/net/tcp of thousands of sockets, read before every health probe, then
 * leaves no garbage for the lines that do not match (README, Benchmark, figure 9). A line longer than the buffer never
 * matches. Throws like openSync.
 */
export function grepLines(path: string, needle: string): string[] {
  const chunk = chunkBuf();
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

const environBuffer = reusedBuffer(64 * 1024);

/**
 * The environment block of process `pid` when it is owned by `uid` (any owner when undefined) and holds the entry
 * `needle` ("NAME=value", no NUL), else null; throws when unreadable or gone. One open and one fstat per process, and
 * a process without the entry costs no allocation (a scan of every process of the host, as at each stop).
 */
export function environWith(pid: number, needle: string, uid: number | undefined): Buffer | null {
  const environBuf = environBuffer();
  const fd = openSync(`/proc/${pid}/environ`, "r");
  let n = 0;
  try {
    if (uid !== undefined && fstatSync(fd).uid !== uid) return null;
    for (;;) {
      const r = readSync(fd, environBuf, n, environBuf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === environBuf.length) {
        n = -1;
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  // Larger than the buffer (rare): read whole.
  const env = n < 0 ? readFileSync(`/proc/${pid}/environ`) : environBuf.subarray(0, n);
  const at = env.indexOf(`${needle}\0`, 0, "latin1");
  // An entry starts the block or follows a NUL.
  if (at < 0 || (at > 0 && env[at - 1] !== 0 && env.indexOf(`\0${needle}\0`, 0, "latin1") < 0)) return null;
  return Buffer.from(env);
}
