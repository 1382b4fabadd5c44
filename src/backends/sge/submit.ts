// `start --scheduler sge`: submit the job (or find the live one), then follow it until Jupyter answers; `restart`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runArgv } from "../../core/instance-options.js";
import { mergeRemembered } from "../../core/settings.js";
import type { InstanceOptions } from "../../core/types.js";
import { resolveStart } from "../../instance/start-options.js";
import type { InstanceView } from "../../instance/view.js";
import { acquireLock } from "../../io/lock.js";
import { instancePaths, validateName } from "../../io/paths.js";
import { forgetRemembered, writeRemembered } from "../../io/settings-file.js";
import { ensurePrivateDir } from "../../io/state-file.js";
import { absoluteSupervisorArgv } from "../../io/supervisor-argv.js";
import { type BackendContext, jobEnvironment, type StartFlags } from "../backend.js";
import { shellWords } from "../../core/shell-words.js";
import { type BatchPlan, batchScript, parseWarningLead, qsubArgv } from "./batch-script.js";
import { readJob, writeJob } from "./job-file.js";
import { settleJob } from "./settle.js";
import { qsub } from "./sge-commands.js";
import { stopJob } from "./stop.js";
import { waitForJob } from "./wait.js";

interface JobAsk {
  userArgs: string[];
  timeWarningSec: number;
}

/** The backend's start: validate, submit unless a job of this instance is queued or running, then wait (unless --no-wait). */
export async function startJob(flags: StartFlags, ctx: BackendContext): Promise<InstanceView> {
  validateName(flags.name);
  const r = await resolveStart({ ...flags, scheduler: "sge" }, ctx, { reset: flags.reset === true });
  if (flags.reset === true || Object.keys(r.cli).length > 0) {
    // As for a detached start, the options given are remembered (the job file keeps the job's own for a restart).
    const dir = instancePaths(ctx.env, r.options.name).dir;
    const settings = mergeRemembered(r.remembered, r.cli);
    try {
      ensurePrivateDir(dir, ctx.err);
      if (Object.keys(settings).length === 0) forgetRemembered(dir);
      else writeRemembered(dir, settings);
    } catch (err) {
      ctx.err(`warning: could not remember the options in ${dir}/settings.json: ${(err as Error).message}`);
    }
  }
  const ask = { userArgs: shellWords(flags.qsub ?? "", "--qsub"), timeWarningSec: parseWarningLead(flags.timeWarning) };
  return submitAndWait(r.options, ask, ctx, flags.noWait === true);
}

/**
 * Restart: Grid Engine has no way to signal a running job's supervisor, so the job is stopped (qdel: the supervisor
 * shuts Jupyter down) and the recorded job submitted again; a new job means a new node, port and token.
 */
export async function restartJob(view: InstanceView, ctx: BackendContext): Promise<InstanceView> {
  const job = readJob(ctx.env, view.paths.name);
  if (!job) return startJob({ name: view.paths.name, json: false, scheduler: "sge" }, ctx);
  if (!job.end) ctx.err(await stopJob(view, ctx));
  return submitAndWait(job.options, { userArgs: job.qsubArgs, timeWarningSec: job.timeWarningSec }, ctx, false);
}

async function submitAndWait(
  options: InstanceOptions,
  ask: JobAsk,
  ctx: BackendContext,
  noWait: boolean,
): Promise<InstanceView> {
  const paths = instancePaths(ctx.env, options.name);
  ensurePrivateDir(paths.dir, ctx.err);
  const release = await acquireLock(paths.lockFile, 30_000, (e) =>
    ctx.err(`warning: start lock compromised: ${e.message}`),
  );
  let jobId: string;
  let submitted = false;
  try {
    const view = await settleJob(ctx.inspect(options.name), ctx);
    const current = readJob(ctx.env, options.name);
    const live = view.report.state !== "failed" && view.report.state !== "stopped";
    if (current && !current.end && view.report.backend === "sge" && live) {
      jobId = current.jobId;
      ctx.err(
        `jlremote: '${options.name}' is already job ${jobId} (${view.report.jobState ?? view.report.state}); your options are not applied: \`jlremote stop --name ${options.name}\` first to change them`,
      );
    } else {
      const plan: BatchPlan = {
        name: options.name,
        supervisorArgv: [...absoluteSupervisorArgv(ctx.self, ctx.cwd), ...runArgv(options, false)],
        outputFile: join(paths.dir, "job.out"),
        rootDir: options.rootDir,
        timeWarningSec: ask.timeWarningSec,
        userArgs: ask.userArgs,
      };
      const script = join(paths.dir, "job.qsub");
      const argv = qsubArgv(plan, script);
      writeFileSync(script, batchScript(plan), { mode: 0o700 });
      // qsub -V exports this environment into the job: jllocal's hangup flag is for this start only.
      jobId = await qsub(argv, jobEnvironment(ctx.env), options.rootDir);
      submitted = true;
      writeJob(ctx.env, options.name, {
        schema: 1,
        jobId,
        submittedAt: new Date().toISOString(),
        qsubArgs: ask.userArgs,
        timeWarningSec: ask.timeWarningSec,
        options,
        end: null,
        seen: null,
      });
      ctx.err(`jlremote: submitted Grid Engine job ${jobId} for '${options.name}'`);
    }
  } finally {
    await release();
  }
  if (noWait) return ctx.inspect(options.name);
  return waitForJob(ctx, options, jobId, submitted);
}
