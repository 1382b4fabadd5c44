// `start --scheduler NAME` of any batch scheduler: remember the options, submit the job (or find the live one), then
// follow it until Jupyter answers (wait.ts). The scheduler's part comes in its BatchJobKind (kind.ts).
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
import type { BatchJobRecord } from "./job-file.js";
import type { BatchJobKind, JobAsk } from "./kind.js";
import type { BatchPlan } from "./script.js";
import { waitForJob } from "./wait.js";

/** The backend's start: validate, submit unless a job of this instance is queued or running, then wait (unless --no-wait). */
export async function startBatchJob<R extends BatchJobRecord>(
  kind: BatchJobKind<R>,
  flags: StartFlags,
  ctx: BackendContext,
): Promise<InstanceView> {
  validateName(flags.name);
  // The supervisor runs in the job: a warm process start spawned (the scheduler came from the settings) goes now, not
  // when start ends after the queue wait.
  ctx.warmSupervisor?.letGo();
  const r = await resolveStart({ ...flags, scheduler: kind.name }, ctx, { reset: flags.reset === true });
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
  return submitAndWait(kind, r.options, kind.askOf(flags), ctx, flags.noWait === true);
}

/** Submit a job for `options` unless the instance's recorded job is queued or running; then wait unless `noWait`. */
export async function submitAndWait<R extends BatchJobRecord>(
  kind: BatchJobKind<R>,
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
    const view = await kind.settle(ctx.inspect(options.name), ctx);
    const current = kind.jobs.read(ctx.env, options.name);
    const live = view.report.state !== "failed" && view.report.state !== "stopped";
    if (current && !current.end && view.report.backend === kind.name && live) {
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
      const script = join(paths.dir, kind.scriptFile);
      const argv = kind.submitArgv(plan, script);
      writeFileSync(script, kind.script(plan), { mode: 0o700 });
      // The job sees this environment (sbatch's default, qsub -V): jllocal's hangup flag is for this start only.
      jobId = await kind.submit(argv, jobEnvironment(ctx.env), options.rootDir);
      submitted = true;
      const common = { schema: 1 as const, jobId, submittedAt: new Date().toISOString(), end: null, seen: null };
      kind.jobs.write(
        ctx.env,
        options.name,
        kind.record({ ...common, timeWarningSec: ask.timeWarningSec, options }, ask),
      );
      ctx.err(`jlremote: submitted ${kind.jobNoun} ${jobId} for '${options.name}'`);
    }
  } finally {
    await release();
  }
  if (noWait) return ctx.inspect(options.name);
  return waitForJob(kind, ctx, options, jobId, submitted);
}
