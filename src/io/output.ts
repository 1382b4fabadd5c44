// Writing result and diagnostic lines, and progress, to a stream whose reader may be gone (`| head`, a closed ssh
// session).
import { type Progress, progressDone, progressShow, progressStart } from "../core/progress.js";

/** The part of a stream the writers use (a fake one in tests). */
export type OutStream = Pick<NodeJS.WriteStream, "write" | "on"> & { isTTY?: boolean };

/** Every stream a writer has looked up so far (flushed() waits for them). */
const opened = new Set<OutStream>();

/** The stream `get` returns, looked up once at first use, with a vanished reader (EPIPE) ending the output quietly. */
function lazyStream(get: () => OutStream): () => OutStream {
  let stream: OutStream | null = null;
  return () => {
    if (stream === null) {
      stream = get();
      opened.add(stream);
      stream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
      });
    }
    return stream;
  };
}

/**
 * A function writing one line to the stream `get` returns (looked up at the first line: process.stdout loads
 * node:stream, which the status fast path avoids); a vanished reader (EPIPE) ends the output quietly, no stack trace.
 */
export function lineWriter(get: () => OutStream): (line: string) => void {
  const stream = lazyStream(get);
  return (line) => {
    stream().write(`${line}\n`);
  };
}

/** The progress sink on the stream `get` returns: a live line on a TTY, elsewhere a line per change (core/progress.ts). */
export function progressWriter(get: () => OutStream): Progress {
  const stream = lazyStream(get);
  let state = progressStart;
  const put = (step: { write: string; state: typeof state }) => {
    state = step.state;
    if (step.write !== "") stream().write(step.write);
  };
  return {
    show: (line, news) => put(progressShow(state, line, news === undefined ? line : news, stream().isTTY === true)),
    done: () => put(progressDone(state)),
  };
}

/**
 * Resolves once every stream the writers used has handed all its lines to the OS (a pipe is asynchronous on macOS), so
 * the process can exit at once; streams no writer touched are not looked up.
 */
export function flushed(): Promise<void> {
  return Promise.all(
    [...opened].map(
      (s) => new Promise<void>((resolve) => (s.write as (d: string, cb: () => void) => boolean)("", () => resolve())),
    ),
  ).then(() => undefined);
}
