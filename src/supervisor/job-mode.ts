// The supervisor as a batch job's main step, through its scheduler's hooks (backends/scheduler.ts `InJob`):
// heartbeat, the walltime warning signal, the job's end time, why it ended.
import type pino from "pino";
import type { JobRuntime } from "../core/types.js";
import { hostName } from "../io/process-identity.js";
import type { InJob } from "../backends/scheduler.js";
import type { StateWriter } from "./state-writer.js";

/** A batch job's side of supervision; `dispose` stops its timer and signal handler. */
export interface JobMode {
  /** The reason recorded when the supervisor is stopped by a signal. */
  stopReason(now: number): string;
  dispose(): void;
}

/** Start the heartbeat, the warning-signal handler and the one end-time lookup. */
export function startJobMode(
  state: StateWriter,
  hooks: InJob,
  env: Record<string, string | undefined>,
  log: pino.Logger,
): JobMode {
  const job: JobRuntime = {
    id: hooks.jobId(env) ?? "?",
    node: hostName(),
    endsAt: null,
    warningAt: null,
    endReason: null,
  };
  const save = (change: Partial<JobRuntime>) =>
    state.update({ job: { ...(state.record.job ?? job), ...change }, heartbeatAt: new Date().toISOString() });
  // One write names the job and beats, so a reader never sees this job's record without a heartbeat.
  if (state.record.job?.id !== job.id) state.update({ job, heartbeatAt: new Date().toISOString() });
  else save({});
  const timer = setInterval(() => state.update({ heartbeatAt: new Date().toISOString() }), hooks.heartbeat.everyMs);
  timer.unref();
  const onWarning = () => {
    log.warn({ jobId: job.id, endsAt: state.record.job?.endsAt }, hooks.warningText);
    save({ warningAt: new Date().toISOString() });
  };
  process.on(hooks.warningSignal, onWarning);
  // Once, off the start path: the end time for `status` (time left) and for telling a time-limit end.
  hooks.endsAt(job.id, env).then(
    (endsAt) => save({ endsAt }),
    (err: Error) => log.warn({ jobId: job.id, why: err.message }, "could not read the job's end time"),
  );
  return {
    stopReason: (now) => hooks.stopReason(state.record.job?.endsAt ?? null, now),
    dispose() {
      clearInterval(timer);
      process.off(hooks.warningSignal, onWarning);
    },
  };
}
