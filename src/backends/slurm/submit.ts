// `start --scheduler slurm`: submit the batch job (or find the live one), then follow it until Jupyter answers.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { JlremoteError } from "../../core/errors.js";
import { runArgv } from "../../core/instance-options.js";
import type { InstanceOptions } from "../../core/types.js";
import { acquireLock } from "../../io/lock.js";
import { instancePaths, validateName } from "../../io/paths.js";
import { ensurePrivateDir } from "../../io/state-file.js";
import { absoluteSupervisorArgv } from "../../io/supervisor-argv.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";
import { resolveStart } from "../../instance/start-options.js";
import { mergeRemembered, type Settings } from "../../core/settings.js";
import { forgetRemembered, writeRemembered } from "../../io/settings-file.js";
import type { StartFlags } from "../backend.js";
import { batchScript, parseTimeWarning, sbatchArgv, type BatchPlan } from "./batch-script.js";
import { readJob, writeJob } from "./job-file.js";
import { shellWords } from "./shell-words.js";
import { sbatch, scancel } from "./slurm-commands.js";
import { settleJob } from "./settle.js";
import { CANCEL_ON_EOF, waitForJob } from "./wait.js";

/** The backend's start: validate, submit unless a job of this instance is queued or running, then wait (unless --no-wait). */
export async function startJob(flags: StartFlags, ctx: BackendContext): Promise<InstanceView> {
  validateName(flags.name);
  const r = await resolveStart({ ...flags, scheduler: "slurm" }, ctx, { reset: flags.reset === true });
  const options = r.options;
  // As for a detached start, the options given are remembered (the job file keeps the job's own for resubmission).
  if (flags.reset === true || Object.keys(r.cli).length > 0)
    rememberQuietly(ctx, options.name, mergeRemembered(r.remembered, r.cli));
  // Requeue is opt-in: a job that silently comes back elsewhere is a surprise unless asked for.
  const job = {
    userArgs: [flags.requeue ? "--requeue" : "--no-requeue", ...shellWords(flags.sbatch ?? "")],
    timeWarningSec: parseTimeWarning(flags.timeWarning),
  };
  return submitAndWait(options, job, ctx, flags.noWait === true);
}

/** Restart: USR2 to a live supervisor (same port and token), else submit again from the recorded job. */
export async function restartJob(view: InstanceView, ctx: BackendContext): Promise<InstanceView> {
  const name = view.paths.name;
  const job = readJob(ctx.env, name);
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
  return submitAndWait(job.options, { userArgs: job.sbatchArgs, timeWarningSec: job.timeWarningSec }, ctx, false);
}

async function submitAndWait(
  options: InstanceOptions,
  job: { userArgs: string[]; timeWarningSec: number },
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
    if (
      current &&
      !current.end &&
      view.report.backend === "slurm" &&
      view.report.state !== "failed" &&
      view.report.state !== "stopped"
    ) {
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
        timeWarningSec: job.timeWarningSec,
        userArgs: job.userArgs,
      };
      const script = join(paths.dir, "job.sbatch");
      const argv = sbatchArgv(plan, script);
      writeFileSync(script, batchScript(plan), { mode: 0o700 });
      // sbatch exports this environment into the job: jllocal's hangup flag is for this start only.
      jobId = await sbatch(argv, { ...ctx.env, [CANCEL_ON_EOF]: undefined }, options.rootDir);
      submitted = true;
      writeJob(ctx.env, options.name, {
        schema: 1,
        jobId,
        submittedAt: new Date().toISOString(),
        sbatchArgs: job.userArgs,
        timeWarningSec: job.timeWarningSec,
        options,
        end: null,
        seen: null,
      });
      ctx.err(`jlremote: submitted batch job ${jobId} for '${options.name}'`);
    }
  } finally {
    await release();
  }
  if (noWait) return ctx.inspect(options.name);
  return waitForJob(ctx, options, jobId, submitted);
}

function rememberQuietly(ctx: BackendContext, name: string, settings: Settings): void {
  const dir = instancePaths(ctx.env, name).dir;
  try {
    ensurePrivateDir(dir, ctx.err);
    if (Object.keys(settings).length === 0) forgetRemembered(dir);
    else writeRemembered(dir, settings);
  } catch (err) {
    ctx.err(`warning: could not remember the options in ${dir}/settings.json: ${(err as Error).message}`);
  }
}
