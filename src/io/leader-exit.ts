// A process's end as /proc shows it: its main thread a zombie carrying the exit status. Its parent is told later, once
// its last thread is gone and its memory unmapped (~5–12 ms for a Jupyter): a stop need not wait for that.
import { constants } from "node:os";
import { decodeWaitStatus } from "../core/wait-status.js";
import type { ProcessIdentity } from "../core/types.js";
import { readProcStat } from "./process-identity.js";
import { monotonicMs } from "./clock.js";

/** How a process ended: its exit code or the name of its signal. */
export interface LeaderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/**
 * Poll `id`'s /proc/PID/stat until it is a zombie (resolves with its status) or gone, another process, or without a
 * status (null), or until `until` settles (null): the caller then has its parent's report. Every `stepMs` for the
 * first `fastForMs` (a Jupyter's shutdown takes ~0.3–1 s), then every `slowStepMs` (a slow one costs no CPU to speak
 * of: a read is ~20 µs).
 */
export async function leaderExit(
  id: ProcessIdentity,
  until: Promise<unknown>,
  stepMs = 2,
  fastForMs = 2000,
  slowStepMs = 20,
): Promise<LeaderExit | null> {
  const slowFrom = monotonicMs() + fastForMs;
  let settled = false;
  void until.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    if (settled) return null;
    const st = readProcStat(id.pid);
    if (st === null || st.startTime !== id.startTime) return null;
    if (st.state === "Z" || st.state === "X") {
      if (st.exitStatus === null) return null;
      const w = decodeWaitStatus(st.exitStatus);
      return { code: w.code, signal: w.signal === null ? null : (signalNames.get(w.signal) ?? null) };
    }
    await new Promise((r) => setTimeout(r, monotonicMs() < slowFrom ? stepMs : slowStepMs));
  }
}
