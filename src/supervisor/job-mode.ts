// The supervisor as a batch job's main step, through its scheduler's hooks (backends/scheduler.ts `InJob`):
// heartbeat, the walltime warning signal, the job's end time, why it ended.
import type pino from "pino";
import type { JobRuntime } from "../core/types.js";
import { hostName } from "../io/process-identity.js";
import type { InJob } from "../backends/scheduler.js";
import type { StateWriter } from "./state-writer.js";

/** A batch job's side of supervision; `dispose` stops its timer and signal handler (a late warning is ignored). */
export interface JobMode {
  /** The reason recorded when the supervisor is stopped by a signal. */
  stopReason(now: number): string;
  /**
   * Ask the scheduler for the job's end time, once, after the first spawn (its command's spawn blocked ~6 ms before
   * it). Not later: `status` and jllocal's time-limit warning need it by the time Jupyter answers.
   */
  lookUpEnd(): void;
  dispose(): void;
}

const ignoreLateWarning = () => {};

/** Start the heartbeat and the warning-signal handler; the one end-time lookup comes with `lookUpEnd`. */
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
  const onWarning = (text = hooks.warningText) => {
    log.warn({ jobId: job.id, endsAt: state.record.job?.endsAt }, text);
    // The first warning of this job run stands (an own timer's, then the scheduler's signal at the end).
    save({ warningAt: state.record.job?.warningAt ?? new Date().toISOString() });
  };
  const onSignal = () => onWarning();
  process.on(hooks.warningSignal, onSignal);
  let ahead: NodeJS.Timeout | undefined;
  let asked = false;
  // Once, off the start path: the end time for `status` (time left) and for telling a time-limit end.
  const lookUpEnd = () => {
    if (asked) return;
    asked = true;
    hooks.endsAt(job.id, env).then(
      (endsAt) => {
        save({ endsAt });
        const sec = hooks.warnAheadSec?.(env) ?? null;
        if (endsAt === null || sec === null) return;
        // A scheduler that does not warn in time itself: the supervisor warns at endsAt - --time-warning.
        const inMs = Date.parse(endsAt) - sec * 1000 - Date.now();
        ahead = setTimeout(() => onWarning(`walltime warning: the job ends in ${sec} s or less`), Math.max(0, inMs));
        ahead.unref();
      },
      (err: Error) => log.warn({ jobId: job.id, why: err.message }, "could not read the job's end time"),
    );
  };
  return {
    stopReason: (now) => hooks.stopReason(state.record.job?.endsAt ?? null, now),
    lookUpEnd,
    dispose() {
      clearInterval(timer);
      clearTimeout(ahead);
      process.off(hooks.warningSignal, onSignal);
      // The scheduler warns on its own clock, also while the supervisor winds down: with no listener Node takes the
      // default action and dies of it (exit 138: the job ends FAILED, not COMPLETED).
      process.on(hooks.warningSignal, ignoreLateWarning);
    },
  };
}
