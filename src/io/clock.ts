// The monotonic clock every timeout and interval of ours uses: a wall-clock step fakes no timeout.

/**
 * Milliseconds on the monotonic clock (an arbitrary origin: only differences mean anything). `process.hrtime`, not
 * the global `performance`, whose first use loads node's perf_hooks modules (~2 ms of the way to Jupyter's spawn).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
