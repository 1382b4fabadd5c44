// `jlremote stop` of a Grid Engine job: qdel (with -notify the supervisor gets SIGUSR2, stops Jupyter and records the
// end before Grid Engine's SIGKILL), then wait until qstat no longer lists the job.
import { JlremoteError } from "../../core/errors.js";
import type { InstanceView } from "../../instance/view.js";
import type { BackendContext } from "../backend.js";
import { sgeJobs } from "./job-file.js";
import { settleJob } from "./settle.js";
import { accounting, qdel, queryJob } from "./sge-commands.js";
import { describeEnd } from "./job-state.js";

const confirmMs = 90_000;

/** Stop the instance's job; returns the line for stderr. */
export async function stopJob(view0: InstanceView, ctx: BackendContext): Promise<string> {
  const name = view0.paths.name;
  await settleJob(view0, ctx);
  const job = sgeJobs.read(ctx.env, name);
  if (!job || job.end)
    return `jlremote: instance '${name}' is not running (${job?.end ? `job ${job.jobId} ended: ${job.end.reason}` : "no job"})`;
  await deleteAndConfirm(job.jobId, ctx, confirmMs);
  const acct = await accounting(job.jobId, ctx.env);
  const at = new Date().toISOString();
  const end = acct ? describeEnd(acct, at) : { jobState: "DELETED", exitCode: null, at, accounted: false };
  sgeJobs.write(ctx.env, name, { ...job, end: { ...end, reason: "stopped (jlremote stop)" } });
  return `jlremote: stopped '${name}' (job ${job.jobId} deleted)`;
}

/** qdel, then poll qstat until the job is gone (bounded); throws when it is still listed. */
export async function deleteAndConfirm(jobId: string, ctx: BackendContext, withinMs: number): Promise<void> {
  if (!(await qdel(jobId, ctx.env))) ctx.err(`jlremote: qdel ${jobId} failed; waiting for the job to end anyway`);
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const q = await queryJob(jobId, ctx.env);
    if (q.kind === "gone") return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new JlremoteError(
    `job ${jobId} is still listed by qstat after ${withinMs / 1000} s; check \`qstat -j ${jobId}\` and \`qdel -f ${jobId}\``,
  );
}
