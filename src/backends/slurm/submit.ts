// `start --scheduler slurm` through the shared batch-job code (Slurm's commands, script and words), and `restart`.
import { JlremoteError } from "../../core/errors.js";
import { shellWords } from "../../core/shell-words.js";
import type { InstanceView } from "../../instance/view.js";
import type { BackendContext, StartFlags } from "../backend.js";
import type { BatchJobKind } from "../batch-job/kind.js";
import { startBatchJob, submitAndWait } from "../batch-job/submit.js";
import { batchScript, parseTimeWarning, sbatchArgv } from "./batch-script.js";
import { type JobRecord, slurmJobs } from "./job-file.js";
import { startEstimate } from "./job-view.js";
import { settleJob } from "./settle.js";
import { sbatch, scancel } from "./slurm-commands.js";
import { confirmEnded } from "./stop.js";

/** Slurm as the shared submit and wait code sees it. */
const slurmJob: BatchJobKind<JobRecord> = {
  name: "slurm",
  jobNoun: "batch job",
  jobs: slurmJobs,
  scriptFile: "job.sbatch",
  askOf: (flags) => ({
    // Requeue is opt-in: a job that silently comes back elsewhere is a surprise unless asked for.
    userArgs: [flags.requeue ? "--requeue" : "--no-requeue", ...shellWords(flags.sbatch ?? "")],
    timeWarningSec: parseTimeWarning(flags.timeWarning),
  }),
  script: batchScript,
  submitArgv: sbatchArgv,
  submit: sbatch,
  record: (common, ask) => ({ ...common, sbatchArgs: ask.userArgs }),
  settle: settleJob,
  async cancelQueued(jobId, ctx) {
    await scancel(jobId, ctx.env);
    await confirmEnded(jobId, ctx, 15_000);
  },
  queuedEnd: (at) => ({
    jobState: "CANCELLED",
    reason: "cancelled while queued (Ctrl-C on start)",
    exitCode: null,
    at,
  }),
  words: { submitted: "SUBMITTED", unknown: "UNKNOWN", cancelled: "cancelled", stopDoes: "ends" },
  estimate: startEstimate,
};

/** The backend's start: validate, submit unless a job of this instance is queued or running, then wait (unless --no-wait). */
export function startJob(flags: StartFlags, ctx: BackendContext): Promise<InstanceView> {
  return startBatchJob(slurmJob, flags, ctx);
}

/** Restart: USR2 to a live supervisor (same port and token), else submit again from the recorded job. */
export async function restartJob(view: InstanceView, ctx: BackendContext): Promise<InstanceView> {
  const name = view.paths.name;
  const job = slurmJobs.read(ctx.env, name);
  if (!job)
    throw new JlremoteError(
      `instance '${name}' has no batch job recorded; \`jlremote start --name ${name} --scheduler slurm\``,
    );
  const live = await settleJob(view, ctx);
  if (live.supervisorAlive && live.record) {
    const before = live.record.jupyter?.pid;
    if (!(await scancel(job.jobId, ctx.env, { signal: "USR2", batchOnly: true })))
      throw new JlremoteError(`scancel --signal=USR2 ${job.jobId} failed`);
    const deadline = Date.now() + live.record.options.stopTimeoutMs + live.record.options.readyTimeoutMs + 15_000;
    for (;;) {
      const now = ctx.inspect(name);
      if (now.report.state === "running" && now.report.jupyterPid !== null && now.report.jupyterPid !== before)
        return now;
      if (Date.now() > deadline)
        throw new JlremoteError(`restart did not finish in time; see \`jlremote logs --name ${name}\``);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const ask = { userArgs: job.sbatchArgs, timeWarningSec: job.timeWarningSec };
  return submitAndWait(slurmJob, job.options, ask, ctx, false);
}
