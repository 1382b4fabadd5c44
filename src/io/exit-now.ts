// The end of a command that has said all it has to say: node's own exit, without the JavaScript of `process.exit`
// when nothing listens for the exit event (figure 1a: ~0.1 ms of every `status`, docs/benchmark.md).

/** node's exit without the exit event (undocumented but kept by node, whose `process.exit` ends with it). */
type RawExit = (code: number) => never;

/**
 * Exit with `code` now. `process.exit` first looks up its ESM handler, validates and stores the code and emits the
 * exit event, each compiled at its first call; with no exit listener (no cache to save, no lock to release) that is
 * all skipped. A listener (ours, or signal-exit's hook of `reallyExit`) still gets its event; a node without
 * `reallyExit` gets `process.exit`.
 */
export function exitNow(code: number): never {
  const raw = (process as unknown as { reallyExit?: RawExit }).reallyExit;
  if (typeof raw === "function" && process.listenerCount("exit") === 0) raw.call(process, code);
  return process.exit(code);
}
