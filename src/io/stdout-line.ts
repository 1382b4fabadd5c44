// Result lines straight to fd 1 for the fast paths (status, url, jllocal's cold path): process.stdout would load
// node:stream, a few ms of the status path.
import { writeSync } from "node:fs";

/** The rest of a line writeStdout handed to process.stdout (a full non-blocking pipe): written when this resolves. */
let rest: Promise<void> = Promise.resolve();

/** One line to fd 1; a full non-blocking pipe gets the rest through process.stdout, a closed reader (EPIPE) nothing. */
export function writeStdout(line: string): void {
  const data = Buffer.from(`${line}\n`);
  let off = 0;
  try {
    while (off < data.length) off += writeSync(1, data, off);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EAGAIN") {
      const left = data.subarray(off);
      rest = new Promise((resolve) => process.stdout.write(left, () => resolve()));
    }
  }
}

/** Resolves once every line writeStdout was given so far is written. */
export function stdoutWritten(): Promise<void> {
  return rest;
}
