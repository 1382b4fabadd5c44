// The supervisor as a batch job's main step: heartbeat, the walltime warning (USR1), the job's end time, why it ended.
import type pino from "pino";
import type { JobRuntime } from "../core/types.js";
import { showJob } from "../backends/slurm/slurm-commands.js";
import { slurmTimeToIso } from "../backends/slurm/scontrol-parse.js";
import { hostName } from "../io/process-identity.js";
import type { StateKeeper } from "./state-keeper.js";

/** Heartbeat period; a reader treats a record older than heartbeatStaleMs as a dead supervisor. */
export const heartbeatMs = 10_000;

/** A batch job's side of supervision; `dispose` stops its timer and signal handler. */
export interface JobMode {
  /** The reason recorded when the supervisor is stopped by a signal. */
  stopReason(now: number): string;
  dispose(): void;
}

/** Start the heartbeat, the USR1 handler and the one end-time lookup. */
export function startJobMode(keeper: StateKeeper, env: Record<string, string | undefined>, log: pino.Logger): JobMode {
  const job: JobRuntime = {
    id: env.SLURM_JOB_ID ?? "?",
    node: hostName(),
    endsAt: null,
    warningAt: null,
    endReason: null,
  };
  const save = (change: Partial<JobRuntime>) =>
    keeper.update({ job: { ...(keeper.record.job ?? job), ...change }, heartbeatAt: new Date().toISOString() });
  // One write names the job and beats, so a reader never sees this job's record without a heartbeat.
  if (keeper.record.job?.id !== job.id) keeper.update({ job, heartbeatAt: new Date().toISOString() });
  else save({});
  const timer = setInterval(() => keeper.update({ heartbeatAt: new Date().toISOString() }), heartbeatMs);
  timer.unref();
  const onUsr1 = () => {
    log.warn(
      { jobId: job.id, endsAt: keeper.record.job?.endsAt },
      "walltime warning from Slurm (USR1): the job ends soon",
    );
    save({ warningAt: new Date().toISOString() });
  };
  process.on("SIGUSR1", onUsr1);
  // Once, off the start path: the end time for `status` (time left) and for telling a time-limit end.
  void showJob(job.id, env).then((q) => {
    if (q.kind === "known") save({ endsAt: slurmTimeToIso(q.info.endTime) });
    else
      log.warn(
        { jobId: job.id, why: q.kind === "error" ? q.message : "unknown job" },
        "could not read the job's end time",
      );
  });
  return {
    stopReason(now) {
      const ends = keeper.record.job?.endsAt;
      const limit = ends ? Date.parse(ends) : NaN;
      // Slurm enforces the limit up to ~30 s late; a SIGTERM around it is the time limit.
      return Number.isFinite(limit) && now >= limit - 5_000
        ? "time limit"
        : "terminated by Slurm (scancel, preemption or node shutdown)";
    },
    dispose() {
      clearInterval(timer);
      process.off("SIGUSR1", onUsr1);
    },
  };
}

/** The first port a job tries: spread by job id over 20000–39999, so jobs sharing a node rarely race for one port. */
export function jobPortBase(jobId: string | undefined): number {
  const n = Number.parseInt(jobId ?? "", 10);
  return Number.isFinite(n) ? 20_000 + ((n * 7919) % 20_000) : 8888;
}
