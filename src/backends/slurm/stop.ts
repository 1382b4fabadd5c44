// `jlremote stop` of a batch job: the supervisor's clean stop first (SIGTERM to the batch step: Jupyter's own
// shutdown stops the kernels), then scancel, then a terminal job state confirmed within a bounded time.
import { JlremoteError } from "../../core/errors.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";
import { slurmJobs } from "./job-file.js";
import { describeEnd, phaseOf } from "./job-state.js";
import { scancel, showJob, type JobQuery } from "./slurm-commands.js";
import { settleJob } from "./settle.js";

const confirmMs = 30_000;

/** Stop the instance's job; returns the line for stderr. */
export async function stopJob(view0: InstanceView, ctx: BackendContext): Promise<string> {
  const name = view0.paths.name;
  const view = await settleJob(view0, ctx);
  const job = slurmJobs.read(ctx.env, name);
  if (!job || job.end)
    return `jlremote: instance '${name}' is not running (${job?.end ? `job ${job.jobId} ended: ${job.end.reason}` : view.report.state})`;
  let end: JobQuery | null = null;
  if (view.supervisorAlive && view.record) {
    // The clean way: the supervisor stops Jupyter and exits, and with it the job (COMPLETED).
    await scancel(job.jobId, ctx.env, { signal: "TERM", batchOnly: true });
    end = await confirmEnded(job.jobId, ctx, view.record.options.stopTimeoutMs + 10_000);
  }
  if (end === null) {
    // Whatever is left of the job (or the job still queued) goes now.
    await scancel(job.jobId, ctx.env);
    end = await confirmEnded(job.jobId, ctx, confirmMs);
  }
  if (end === null)
    throw new JlremoteError(
      `job ${job.jobId} is not in a terminal state after ${confirmMs / 1000} s; check \`scontrol show job ${job.jobId}\` and \`scancel ${job.jobId}\``,
    );
  const jobState = end.kind === "known" ? end.info.jobState : "UNKNOWN";
  const record = describeEnd(jobState, end.kind === "known" ? end.info.exitCode : null, new Date().toISOString());
  slurmJobs.write(ctx.env, name, { ...job, end: { ...record, reason: "stopped (jlremote stop)" } });
  return `jlremote: stopped '${name}' (job ${job.jobId} ${record.jobState})`;
}

/** Poll `scontrol show job` until the job is gone or in a terminal state; its last answer, or null after `withinMs`. */
export async function confirmEnded(jobId: string, ctx: BackendContext, withinMs: number): Promise<JobQuery | null> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const q = await showJob(jobId, ctx.env);
    if (q.kind === "gone" || (q.kind === "known" && phaseOf(q.info.jobState) === "ended")) return q;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}
