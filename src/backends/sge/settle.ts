// Asks Grid Engine about the instance's job, once, when the files cannot answer; records what it says (an end when
// first seen, confirmed by qacct when accounting has it).
import type { InstanceView } from "../../instance/view.js";
import type { BackendContext } from "../backend.js";
import { type JobRecord, sgeJobs } from "./job-file.js";
import { describeEnd, type JobEnd, unaccountedEnd } from "./job-state.js";
import { recordOfJob } from "../batch-job/job-view.js";
import { filesAnswer } from "./job-view.js";
import { accounting, queryJob } from "./sge-commands.js";

/** The view after at most one round of questions to Grid Engine (none when the job file or a heartbeat answers). */
export async function settleJob(view: InstanceView, ctx: BackendContext): Promise<InstanceView> {
  const job = sgeJobs.read(ctx.env, view.paths.name);
  if (!job || filesAnswer(job, view.record, Date.now())) return view;
  await refreshJob(job, view, ctx);
  return ctx.inspect(view.paths.name);
}

/** One question (qstat; qacct once the job is gone); updates the job file. */
export async function refreshJob(job: JobRecord, view: InstanceView, ctx: BackendContext): Promise<JobRecord> {
  const now = new Date().toISOString();
  const recorded = recordOfJob(job, view.record)?.job?.endReason ?? null;
  let next: JobRecord = job;
  if (job.end) {
    // Ended but not yet in accounting: ask qacct alone (qstat has forgotten the job).
    const acct = await accounting(job.jobId, ctx.env);
    if (!acct) return job;
    next = { ...job, end: merged(job.end, describeEnd(acct, job.end.at), recorded) };
  } else {
    const q = await queryJob(job.jobId, ctx.env);
    if (q.kind === "error") {
      ctx.err(`jlremote: cannot ask Grid Engine about job ${job.jobId}: ${q.message}`);
      return job;
    }
    if (q.kind === "listed")
      next = { ...job, seen: { jobState: q.row.state, reason: q.reason, node: q.row.node, at: now } };
    else
      next = { ...job, end: q.acct ? merged(null, describeEnd(q.acct, now), recorded) : unaccountedEnd(recorded, now) };
  }
  sgeJobs.write(ctx.env, view.paths.name, next);
  return next;
}

/** qacct's end, keeping a reason jlremote knows better: its own stop, or the supervisor's (idle, time limit). */
function merged(before: JobEnd | null, acct: JobEnd, recorded: string | null): JobEnd {
  if (before && !before.accounted && before.jobState !== "GONE") return { ...before, accounted: true };
  if (acct.jobState === "COMPLETED" && recorded) return { ...acct, reason: recorded };
  return acct;
}
