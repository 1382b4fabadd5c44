// Log files with a size cap: the supervisor's pino event log (synchronous, rotated by rename when it grows past the
// cap) and Jupyter's output log (rotated by copy + truncate, so the fd Jupyter holds, also an adopted Jupyter's,
// keeps working); reading the last lines reads only the end of a file.
import {
  closeSync,
  copyFileSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import pino from "pino";

/** Size cap and number of rotated files kept (`file.1` … `file.N`). */
export interface RotationPolicy {
  maxBytes: number;
  keep: number;
}

/** Shift `file.1` … to `file.2` …, dropping what is beyond `keep`, and move `file` to `file.1` (by rename). */
function shiftRotated(file: string, keep: number): void {
  try {
    unlinkSync(`${file}.${keep}`);
  } catch {
    /* not there */
  }
  for (let i = keep - 1; i >= 1; i -= 1) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch {
      /* not there */
    }
  }
  if (keep >= 1) {
    try {
      renameSync(file, `${file}.1`);
    } catch {
      /* not there */
    }
  } else {
    try {
      unlinkSync(file);
    } catch {
      /* not there */
    }
  }
}

/** An append-only file that rotates itself by rename once it passes the cap (a pino destination). */
export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly file: string,
    private readonly policy: RotationPolicy,
  ) {
    this.fd = openSync(file, "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Append one chunk; a full or read-only disk drops it (a log must never stop the supervisor). */
  write(chunk: string): boolean {
    try {
      if (this.size > 0 && this.size + Buffer.byteLength(chunk) > this.policy.maxBytes) this.rotate();
      const data = Buffer.from(chunk);
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off);
      this.size += data.length;
    } catch {
      // ENOSPC, EDQUOT, EROFS: the line is lost, the supervisor goes on.
    }
    return true;
  }

  private rotate(): void {
    shiftRotated(this.file, this.policy.keep);
    const fd = openSync(this.file, "a", 0o600);
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = fd;
    this.size = 0;
  }
}

/** The supervisor's event logger: JSON lines written synchronously to a rotating file, optionally teed to stderr. */
export function openEventLog(file: string, alsoStderr: boolean, policy: RotationPolicy): pino.Logger {
  const dest = new RotatingFile(file, policy);
  const opts = { base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!alsoStderr) return pino(opts, dest);
  const streams = pino.multistream([{ stream: dest }, { stream: pino.destination({ fd: 2, sync: true }) }]);
  return pino(opts, streams);
}

/** Rotate Jupyter's log at a supervisor's start (when not empty; not when adopting) and open it (0600) for appending. */
export function rotateAndOpen(file: string, keep: number, rotate = true): number {
  try {
    if (rotate && statSync(file).size > 0) shiftRotated(file, keep);
  } catch {
    /* no log yet */
  }
  return openSync(file, "a", 0o600);
}

/**
 * Cap a log another process writes with O_APPEND (Jupyter, also one adopted from a dead supervisor): past the cap,
 * copy it to `file.1` (shifting older ones) and truncate it in place. Lines written between copy and truncate are lost.
 */
export function capAppendLog(file: string, policy: RotationPolicy): boolean {
  try {
    if (statSync(file).size <= policy.maxBytes) return false;
    try {
      unlinkSync(`${file}.${policy.keep}`);
    } catch {
      /* not there */
    }
    for (let i = policy.keep - 1; i >= 1; i -= 1) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      } catch {
        /* not there */
      }
    }
    if (policy.keep >= 1) copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    return true;
  } catch {
    return false;
  }
}

/** Close an fd, ignoring errors. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}

/** The last `n` lines of a file ('' when it does not exist), reading backwards from its end only as far as needed. */
export function tailLines(file: string, n: number): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    let pos = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    const step = 64 * 1024;
    // n lines need n newlines before them (plus a possible final one); stop as soon as they are in.
    while (pos > 0 && newlines <= n) {
      const len = Math.min(step, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      const got = readSync(fd, buf, 0, len, pos);
      const part = buf.subarray(0, got);
      for (const b of part) if (b === 10) newlines += 1;
      chunks.unshift(part);
    }
    const lines = Buffer.concat(chunks).toString("utf8").split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    return lines.slice(Math.max(0, lines.length - n)).join("\n");
  } catch {
    return "";
  } finally {
    closeQuietly(fd);
  }
}
