// `start --scheduler sge` through the shared batch-job code (Grid Engine's commands, script and words), and `restart`.
import { shellWords } from "../../core/shell-words.js";
import type { InstanceView } from "../../instance/view.js";
import type { BackendContext, StartFlags } from "../backend.js";
import type { BatchJobKind } from "../batch-job/kind.js";
import { startBatchJob, submitAndWait } from "../batch-job/submit.js";
import { batchScript, parseWarningLead, qsubArgv } from "./batch-script.js";
import { type JobRecord, sgeJobs } from "./job-file.js";
import { settleJob } from "./settle.js";
import { qsub } from "./sge-commands.js";
import { deleteAndConfirm, stopJob } from "./stop.js";

/** Grid Engine as the shared submit and wait code sees it. */
const sgeJob: BatchJobKind<JobRecord> = {
  name: "sge",
  jobNoun: "Grid Engine job",
  jobs: sgeJobs,
  scriptFile: "job.qsub",
  askOf: (flags) => ({
    userArgs: shellWords(flags.qsub ?? "", "--qsub"),
    timeWarningSec: parseWarningLead(flags.timeWarning),
  }),
  script: batchScript,
  submitArgv: qsubArgv,
  submit: qsub,
  record: (common, ask) => ({ ...common, qsubArgs: ask.userArgs }),
  settle: settleJob,
  cancelQueued: (jobId, ctx) =>
    deleteAndConfirm(jobId, ctx, 30_000).catch((err: Error) => ctx.err(`jlremote: ${err.message}`)),
  queuedEnd: (at) => ({
    jobState: "DELETED",
    reason: "deleted while queued (Ctrl-C on start)",
    exitCode: null,
    at,
    accounted: false,
  }),
  words: { submitted: "submitted", unknown: "?", cancelled: "deleted", stopDoes: "deletes" },
};

/** The backend's start: validate, submit unless a job of this instance is queued or running, then wait (unless --no-wait). */
export function startJob(flags: StartFlags, ctx: BackendContext): Promise<InstanceView> {
  return startBatchJob(sgeJob, flags, ctx);
}

/**
 * Restart: Grid Engine has no way to signal a running job's supervisor, so the job is stopped (qdel: the supervisor
 * shuts Jupyter down) and the recorded job submitted again; a new job means a new node, port and token.
 */
export async function restartJob(view: InstanceView, ctx: BackendContext): Promise<InstanceView> {
  const job = sgeJobs.read(ctx.env, view.paths.name);
  if (!job) return startJob({ name: view.paths.name, json: false, scheduler: "sge" }, ctx);
  if (!job.end) ctx.err(await stopJob(view, ctx));
  return submitAndWait(sgeJob, job.options, { userArgs: job.qsubArgs, timeWarningSec: job.timeWarningSec }, ctx, false);
}
