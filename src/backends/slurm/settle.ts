// Asks Slurm about the instance's job, once, when the files cannot answer; records what it says (an end for good).
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";
import { type JobRecord, slurmJobs } from "./job-file.js";
import { recordOfJob } from "../batch-job/job-view.js";
import { filesAnswer } from "./job-view.js";
import { describeEnd, phaseOf, refineEnd } from "./job-state.js";
import { join } from "node:path";
import { tailLines } from "../../io/logs.js";
import { showJob } from "./slurm-commands.js";
import { slurmTimeToIso } from "./scontrol-parse.js";

/** The view after at most one `scontrol show job` (none when the job file or a live heartbeat answers). */
export async function settleJob(view: InstanceView, ctx: BackendContext): Promise<InstanceView> {
  const job = slurmJobs.read(ctx.env, view.paths.name);
  if (!job || filesAnswer(job, view.record, Date.now())) return view;
  await refreshJob(job, view, ctx);
  return ctx.inspect(view.paths.name);
}

/** One scheduler call; updates the job file (`seen`, and `end` once the job is over). */
async function refreshJob(job: JobRecord, view: InstanceView, ctx: BackendContext): Promise<JobRecord> {
  const q = await showJob(job.jobId, ctx.env);
  const now = new Date().toISOString();
  const recorded = recordOfJob(job, view.record)?.job?.endReason ?? null;
  let next: JobRecord = job;
  if (q.kind === "known") {
    const { info } = q;
    // A pending job's StartTime is Slurm's estimate (backfill, --begin), when it has one.
    const expectedStart = phaseOf(info.jobState) === "pending" ? slurmTimeToIso(info.startTime) : null;
    next = { ...job, seen: { jobState: info.jobState, reason: info.reason, node: info.node, at: now, expectedStart } };
    if (phaseOf(info.jobState) === "ended") {
      const end = refineEnd(
        describeEnd(info.jobState, info.exitCode, now),
        tailLines(join(view.paths.dir, "job.out"), 20),
      );
      // The supervisor knows a time-limit end before Slurm's state says TIMEOUT; Slurm's word wins otherwise.
      next.end = end.jobState === "COMPLETED" && recorded ? { ...end, reason: recorded } : end;
    }
  } else if (q.kind === "gone") {
    // Forgotten by slurmctld (MinJobAge passed) before we saw its end: say what we know.
    next = {
      ...job,
      end: {
        jobState: "UNKNOWN",
        reason: recorded ?? "ended; Slurm no longer knows the job (no accounting to ask)",
        exitCode: null,
        at: now,
      },
    };
  } else {
    ctx.err(`jlremote: cannot ask Slurm about job ${job.jobId}: ${q.message}`);
    return job;
  }
  slurmJobs.write(ctx.env, view.paths.name, next);
  return next;
}
