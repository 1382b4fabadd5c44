// Log files: the supervisor's pino event log (synchronous), Jupyter's output log with one previous run kept.
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync } from "node:fs";
import pino from "pino";

/** The supervisor's event logger: JSON lines, written synchronously (no worker thread), optionally teed to stderr. */
export function openEventLog(file: string, alsoStderr: boolean): pino.Logger {
  const dest = pino.destination({ dest: file, sync: true, mode: 0o600, append: true } as Parameters<typeof pino.destination>[0]);
  // A full or read-only disk must not crash the supervisor (sonic-boom emits 'error'): drop the line instead.
  (dest as unknown as NodeJS.EventEmitter).on("error", () => {});
  if (!alsoStderr) return pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
  const streams = pino.multistream([{ stream: dest }, { stream: pino.destination({ fd: 2, sync: true }) }]);
  return pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, streams);
}

/** Keep the previous Jupyter log as `<file>.1` and open a fresh one (0600) for appending; returns the fd. */
export function rotateAndOpen(file: string): number {
  if (existsSync(file) && statSync(file).size > 0) renameSync(file, `${file}.1`);
  return openSync(file, "a", 0o600);
}

/** Close an fd, ignoring errors. */
export function closeQuietly(fd: number): void {
  try { closeSync(fd); } catch { /* already closed */ }
}

/** The last `n` lines of a file ('' when it does not exist). */
export function tailLines(file: string, n: number): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "";
  }
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.slice(Math.max(0, lines.length - n)).join("\n");
}
