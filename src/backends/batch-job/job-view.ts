// Pure: what every scheduler's job view shares: the supervisor's heartbeat in a job, whether a state record belongs
// to the job, and the line shown while start waits for the job.
import { type Heartbeat, heartbeatFresh, type StatusReport } from "../../core/status-report.js";
import type { StateRecord } from "../../core/types.js";
import type { BatchJobRecord } from "./job-file.js";

/** A job's supervisor beats every 10 s; older than 25 s means it is gone (its node, its job, or itself). */
export const jobHeartbeat: Heartbeat = { everyMs: 10_000, staleMs: 25_000 };

/** The supervisor's record when it belongs to this job (an older job's record says nothing about this one). */
export function recordOfJob(job: BatchJobRecord, record: StateRecord | null): StateRecord | null {
  return record && record.job?.id === job.jobId ? record : null;
}

/** Is the job's supervisor alive by its record (live state, recent heartbeat; a record before its first beat counts from its write)? */
export function supervisorBeats(record: StateRecord | null, now: number): boolean {
  return (
    record !== null &&
    record.state !== "stopped" &&
    record.state !== "failed" &&
    heartbeatFresh(record, now, jobHeartbeat.staleMs)
  );
}

/** The job's state as start shows it: the scheduler's word (or `placeholder`), and the node once Jupyter starts. */
export function shownState(r: StatusReport, placeholder: string): string {
  const jobState = r.jobState ?? placeholder;
  return r.state === "starting" || r.state === "restarting"
    ? `${jobState} on ${r.node ?? "?"}, Jupyter starting`
    : jobState;
}

/** One progress line while waiting: job id, state, why it waits, elapsed seconds, and the scheduler's estimate if any. */
export function progressLine(
  jobId: string,
  jobState: string,
  reason: string | null,
  elapsedSec: number,
  estimate = "",
): string {
  return `job ${jobId}: ${jobState}${reason ? ` (${reason})` : ""}, ${Math.round(elapsedSec)} s${estimate}`;
}
