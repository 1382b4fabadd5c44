// How a command that has said all it has to say leaves: node's own exit, without the JavaScript of `process.exit`, when
// nothing listens for the exit event (figure 1a: ~0.1 ms of every `status`, docs/benchmark.md). The entries call it.

/** A way to end the process with an exit code. */
export type Exit = (code: number) => never;

/**
 * The exit to take now. `process.exit` first looks up its ESM handler, validates and stores the code and emits the
 * exit event, each compiled at its first call; with no exit listener (no cache to save) node's own exit
 * (`process.reallyExit`, undocumented, what `process.exit` ends with) skips all that. A listener still gets its event
 * through `process.exit`; signal-exit's hook of `reallyExit` (proper-lockfile's lock release) runs either way; a node
 * without `reallyExit` gets `process.exit`.
 */
export function chooseExit(): Exit {
  const raw = (process as unknown as { reallyExit?: Exit }).reallyExit;
  if (typeof raw === "function" && process.listenerCount("exit") === 0) return (code) => raw.call(process, code);
  return (code) => process.exit(code);
}
