// Writing result and diagnostic lines to a stream whose reader may be gone (`| head`, a closed ssh session).

/**
 * A function writing one line to the stream `get` returns (looked up at the first line: process.stdout loads
 * node:stream, which the status fast path avoids); a vanished reader (EPIPE) ends the output quietly, no stack trace.
 */
export function lineWriter(get: () => NodeJS.WriteStream): (line: string) => void {
  let stream: NodeJS.WriteStream | null = null;
  return (line) => {
    if (stream === null) {
      stream = get();
      stream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
      });
    }
    stream.write(`${line}\n`);
  };
}
