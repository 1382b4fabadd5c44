// Pure: an instance's status as a Grid Engine job, from its job file, the supervisor's state record and the clock.
import { type StatusReport, withJob } from "../../core/status-report.js";
import type { StateRecord } from "../../core/types.js";
import { recordOfJob, supervisorBeats } from "../batch-job/job-view.js";
import type { JobRecord } from "./job-file.js";
import { endIsFailure, phaseOf } from "./job-state.js";

/** Can the files answer without asking Grid Engine? (A confirmed end, or a live supervisor beats.) */
export function filesAnswer(job: JobRecord, record: StateRecord | null, now: number): boolean {
  if (job.end) return job.end.accounted || now - Date.parse(job.end.at) > 10 * 60_000;
  return supervisorBeats(recordOfJob(job, record), now);
}

/** The status report of an instance run as this job: the `job` object (and schema 1's top-level copy). */
export function jobReport(base: StatusReport, job: JobRecord, record: StateRecord | null, now: number): StatusReport {
  const ours = recordOfJob(job, record);
  const rt = ours?.job ?? null;
  const endsAt = rt?.endsAt ?? null;
  const out: StatusReport = {
    ...base,
    elsewhere: false,
    managedBy: "sge",
    backend: "sge",
    jobId: job.jobId,
    jobState: job.end?.jobState ?? job.seen?.jobState ?? null,
    jobReason: job.end ? null : (job.seen?.reason ?? null),
    node: rt?.node ?? job.seen?.node ?? null,
    endsAt,
    secondsLeft: endsAt && !job.end ? Math.max(0, Math.floor((Date.parse(endsAt) - now) / 1000)) : null,
    expectedStartAt: null,
    walltimeWarningAt: rt?.warningAt ?? null,
    // Before Grid Engine's word (the job still leaving qstat), the supervisor's own record of why it ended.
    endReason: job.end?.reason ?? rt?.endReason ?? null,
  };
  return withJob(stateOf(out, job, ours, now), "sge");
}

function stateOf(out: StatusReport, job: JobRecord, ours: StateRecord | null, now: number): StatusReport {
  const gone = { url: null, token: null };
  if (job.end) return { ...out, ...gone, state: endIsFailure(job.end) ? "failed" : "stopped", reason: job.end.reason };
  const seen = job.seen ? `${job.seen.jobState}${job.seen.reason ? ` (${job.seen.reason})` : ""}` : "submitted";
  if (job.seen && phaseOf(job.seen.jobState) === "error")
    return { ...out, ...gone, state: "failed", reason: `job ${job.jobId} in error state: ${seen}` };
  if (ours === null) {
    // Queued, or running but its supervisor has not written yet.
    const running = job.seen !== null && job.seen !== undefined && phaseOf(job.seen.jobState) === "running";
    return {
      ...out,
      ...gone,
      state: running ? "starting" : "pending",
      reason: `job ${job.jobId} ${seen}`,
      supervisorPid: null,
      jupyterPid: null,
      restarts: 0,
      lastExit: null,
      startedAt: null,
    };
  }
  if (ours.state === "stopped" || ours.state === "failed")
    return { ...out, state: ours.state, reason: ours.reason ?? ours.job?.endReason ?? null };
  if (!supervisorBeats(ours, now))
    return {
      ...out,
      ...gone,
      state: "failed",
      reason: `no heartbeat from the supervisor on ${ours.job?.node ?? "its node"} since ${ours.heartbeatAt ?? "?"}`,
    };
  return { ...out, jobState: "r", state: ours.state, listenHost: ours.listenHost ?? null };
}
