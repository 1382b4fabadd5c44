// Writing result and diagnostic lines, and progress, to a stream whose reader may be gone (`| head`, a closed ssh
// session).
import { type Progress, progressDone, progressShow, progressStart } from "../core/progress.js";

/** The part of a stream the writers use (a fake one in tests). */
export type OutStream = Pick<NodeJS.WriteStream, "write" | "on"> & { isTTY?: boolean };

/** The stream `get` returns, looked up once at first use, with a vanished reader (EPIPE) ending the output quietly. */
function lazyStream(get: () => OutStream): () => OutStream {
  let stream: OutStream | null = null;
  return () => {
    if (stream === null) {
      stream = get();
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
