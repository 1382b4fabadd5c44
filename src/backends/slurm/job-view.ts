// Pure: an instance's status as a batch job, from its job file, the supervisor's state record and the clock.
import { withJob, type StatusReport } from "../../core/status-report.js";
import type { StateRecord } from "../../core/types.js";
import { recordOfJob, supervisorBeats } from "../batch-job/job-view.js";
import type { JobRecord } from "./job-file.js";
import { phaseOf } from "./job-state.js";

/** Can the files answer without asking the scheduler? (An end is recorded, or a live supervisor beats.) */
export function filesAnswer(job: JobRecord, record: StateRecord | null, now: number): boolean {
  if (job.end) return true;
  return supervisorBeats(recordOfJob(job, record), now);
}

/** The slurm fields of status --json (the `job` object and, for schema 1, the same at top level), and the state/reason/url the job implies. */
export function jobReport(base: StatusReport, job: JobRecord, record: StateRecord | null, now: number): StatusReport {
  return withJob(jobFields(base, job, record, now), "slurm");
}

function jobFields(base: StatusReport, job: JobRecord, record: StateRecord | null, now: number): StatusReport {
  const ours = recordOfJob(job, record);
  const rt = ours?.job ?? null;
  const endsAt = rt?.endsAt ?? null;
  const secondsLeft = endsAt && !job.end ? Math.max(0, Math.floor((Date.parse(endsAt) - now) / 1000)) : null;
  const out: StatusReport = {
    ...base,
    elsewhere: false,
    managedBy: "slurm",
    backend: "slurm",
    jobId: job.jobId,
    jobState: job.end?.jobState ?? job.seen?.jobState ?? null,
    jobReason: job.end ? null : (job.seen?.reason ?? null),
    node: rt?.node ?? job.seen?.node ?? null,
    endsAt,
    secondsLeft,
    walltimeWarningAt: rt?.warningAt ?? null,
    endReason: job.end?.reason ?? null,
  };
  if (job.end) {
    const failed = ["FAILED", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL"].includes(job.end.jobState);
    return { ...out, state: failed ? "failed" : "stopped", reason: job.end.reason, url: null, token: null };
  }
  if (ours === null) {
    // Queued, or running but its supervisor has not written yet.
    const phase = job.seen ? phaseOf(job.seen.jobState) : "pending";
    const state = phase === "running" ? "starting" : "pending";
    const why = job.seen?.reason ? ` (${job.seen.reason})` : "";
    const expectedStartAt = state === "pending" ? (job.seen?.expectedStart ?? null) : null;
    return {
      ...out,
      state,
      expectedStartAt,
      reason: `job ${job.jobId} ${job.seen?.jobState ?? "submitted"}${why}`,
      url: null,
      token: null,
      supervisorPid: null,
      jupyterPid: null,
      restarts: 0,
      lastExit: null,
      startedAt: null,
    };
  }
  if (ours.state === "stopped" || ours.state === "failed") {
    // Requeued (preemption, node failure, `scontrol requeue`): Slurm has the job again after the supervisor ended.
    const again =
      job.seen && phaseOf(job.seen.jobState) === "pending" && Date.parse(job.seen.at) > Date.parse(ours.updatedAt);
    if (again)
      return {
        ...out,
        state: "pending",
        url: null,
        token: null,
        reason: `job ${job.jobId} requeued: ${job.seen?.jobState}${job.seen?.reason ? ` (${job.seen.reason})` : ""}`,
      };
    return { ...out, state: ours.state, reason: ours.reason ?? rt?.endReason ?? null };
  }
  if (!supervisorBeats(ours, now)) {
    const seen = job.seen ? `; Slurm says ${job.seen.jobState}` : "";
    return {
      ...out,
      state: "failed",
      url: null,
      token: null,
      reason: `no heartbeat from the supervisor on ${rt?.node ?? "its node"} since ${ours.heartbeatAt ?? "?"}${seen}`,
    };
  }
  return { ...out, jobState: "RUNNING", state: ours.state, listenHost: ours.listenHost ?? null };
}

/** Slurm's start estimate of a pending job, as the progress line's end: ", Slurm expects it to start in 45 s". */
export function startEstimate(at: string, now: number): string {
  const inSec = Math.round((Date.parse(at) - now) / 1000);
  if (!Number.isFinite(inSec)) return "";
  if (inSec <= 0) return ", Slurm expects it to start now";
  return `, Slurm expects it to start in ${inSec < 120 ? `${inSec} s` : `${Math.round(inSec / 60)} min`}`;
}
