// `jlremote run`: the supervisor in the foreground (systemd runs this; `start` runs it detached).
import { ExitCode, JlremoteError } from "../core/errors.js";
import type { RawStartOptions } from "../core/instance-options.js";
import { join } from "node:path";
import { EXIT_SOCKET, holdExitSocket } from "../io/exit-socket.js";
import { acquireLock, type Release } from "../io/lock.js";
import { openEventLog } from "../io/logs.js";
import { instancePaths } from "../io/paths.js";
import { ensurePrivateDir } from "../io/state-file.js";
import { logPolicy, supervise } from "../supervisor/supervisor.js";
import type { CommandContext } from "../context.js";
import { inspect, jobIdHere, schedulerHere, schedulerNamed, schedulerNames } from "../backends/registry.js";
import { resolveStart } from "../instance/start-options.js";
import { takeover } from "../instance/takeover.js";

/** run's own flags. */
export interface RunFlags extends RawStartOptions {
  /** Set by `start`: the parent holds the start lock and the process is detached (log to file only). */
  daemonChild: boolean;
}

/** Supervise Jupyter until stopped; exit code 0 after a clean stop, 1 after giving up. */
export async function runCommand(flags: RunFlags, cmdCtx: CommandContext): Promise<ExitCode> {
  const ctx = { ...cmdCtx, schedulerNames };
  // In a batch job, the address Jupyter will listen on (a name lookup, tens of ms) is looked up while options are read.
  const here = schedulerHere(ctx.env);
  const address = here?.inJob.listenAddress();
  address?.catch(() => {}); // awaited by the supervisor (which gives up on its error)
  const { options } = await resolveStart(flags, ctx);
  const paths = instancePaths(ctx.env, options.name);
  ensurePrivateDir(paths.dir, ctx.err);
  let release: Release | null = null;
  // A daemon child runs under its parent's start lock; a foreground run takes the lock itself.
  if (!flags.daemonChild)
    release = await acquireLock(paths.lockFile, 30_000, (e) =>
      ctx.err(`warning: start lock compromised: ${e.message}`),
    );
  const view = inspect(ctx.env, options.name, ctx.version);
  if (view.report.elsewhere) {
    await release?.();
    throw new JlremoteError(
      `instance '${options.name}' runs on host ${view.report.host}; run jlremote there`,
      ExitCode.elsewhere,
    );
  }
  if (view.supervisorAlive && view.report.state !== "failed" && view.report.state !== "stopped") {
    await release?.();
    throw new JlremoteError(
      `instance '${options.name}' already runs (supervisor pid ${view.report.supervisorPid}); \`jlremote stop --name ${options.name}\` first`,
      ExitCode.failure,
    );
  }
  const { adopt, resume } = await takeover(view, jobIdHere(ctx.env), ctx);
  const scheduler = (adopt?.options ?? options).scheduler;
  const log = openEventLog(paths.logFile, !flags.daemonChild, logPolicy(adopt?.options ?? options));
  try {
    // On `restart` the settings are read again (remembered ones changed by a later `start` apply then).
    const reload = async (current: { rootDir: string }) =>
      (await resolveStart(flags, ctx, { defaultRootDir: current.rootDir })).options;
    await supervise({
      paths,
      options,
      env: ctx.env,
      log,
      version: ctx.version,
      adopt,
      resume,
      reload,
      job: scheduler ? schedulerNamed(scheduler).inJob : undefined,
      listenAddress: scheduler && scheduler === here?.name ? address : undefined,
      earlyKeeper: ctx.earlyKeeper,
      onClaimed: () => void release?.(),
      // From here on, `jlremote stop` awaits this process's exit on this socket instead of polling (before, it polls
      // every 25 ms): its listen (~2-5 ms) is not on the way to Jupyter's spawn.
      onUnderWay: () => holdExitSocket(join(paths.dir, EXIT_SOCKET)),
    });
    return ExitCode.ok;
  } catch (err) {
    log.error({ err: (err as Error).message }, "supervisor gave up");
    throw err;
  } finally {
    await release?.();
  }
}
