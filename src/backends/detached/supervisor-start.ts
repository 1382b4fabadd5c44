// The detached backend's start: spawn the supervisor in its own session (or find it) and wait for a ready Jupyter.
import { spawn } from "node:child_process";
import { ExitCode, JlremoteError } from "../../core/errors.js";
import { runArgv } from "../../core/instance-options.js";
import type { InstanceOptions } from "../../core/types.js";
import { acquireLock } from "../../io/lock.js";
import { tailLines } from "../../io/logs.js";
import { instancePaths } from "../../io/paths.js";
import { isPortFree } from "../../io/ports.js";
import { readState, ensurePrivateDir } from "../../io/state-file.js";
import type { CommandContext } from "../../commands/context.js";
import { inspect, type InstanceView } from "../../commands/instance-status.js";

/** Make sure a supervisor runs for these options and wait until Jupyter is ready. */
export async function ensureStarted(options: InstanceOptions, ctx: CommandContext): Promise<InstanceView> {
  const paths = instancePaths(ctx.env, options.name);
  ensurePrivateDir(paths.dir, ctx.err);
  const release = await acquireLock(paths.lockFile, 30_000, (e) => ctx.err(`warning: start lock compromised: ${e.message}`));
  let supervisorPid: number | null = null;
  try {
    const view = inspect(ctx.env, options.name, ctx.version);
    if (view.report.elsewhere) {
      throw new JlremoteError(`instance '${options.name}' runs on host ${view.report.host}; run jlremote there`, ExitCode.elsewhere);
    }
    if (!view.supervisorAlive || view.report.state === "failed" || view.report.state === "stopped") {
      if (!view.jupyterAlive && options.portExplicit && options.port !== null && !(await isPortFree(options.port))) {
        throw new JlremoteError(`port ${options.port} is busy; choose another --port or omit it`, ExitCode.usage);
      }
      supervisorPid = await spawnSupervisor(options, ctx, paths.stateFile);
    } else if (view.record && (view.record.app !== options.app || (options.portExplicit && options.port !== view.record.port))) {
      ctx.err(`note: '${options.name}' already runs (${view.record.app}, port ${view.record.port ?? "-"}); your options are not applied: \`jlremote stop --name ${options.name}\` first to change them`);
    }
  } finally {
    await release();
  }
  return waitReady(ctx, options, supervisorPid);
}

async function spawnSupervisor(options: InstanceOptions, ctx: CommandContext, stateFile: string): Promise<number> {
  const [cmd, ...pre] = ctx.self as [string, ...string[]];
  // Own session and no inherited stdio: `ssh host jlremote start` and `start | cat` return at once.
  const child = spawn(cmd, [...pre, ...runArgv(options, true)], { cwd: options.rootDir, env: ctx.env as NodeJS.ProcessEnv, detached: true, stdio: "ignore" });
  let exited: number | null = null;
  child.on("exit", (code) => { exited = code ?? 1; });
  child.on("error", () => { exited = 1; });
  child.unref();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const read = readState(stateFile);
    if (read.kind === "ok" && read.record.supervisor?.pid === child.pid && child.pid !== undefined) return child.pid;
    if (exited !== null) throw new JlremoteError(`the supervisor exited at once (code ${exited}); see \`jlremote logs --name ${options.name}\``);
    if (Date.now() > deadline) throw new JlremoteError("the supervisor did not start within 15 s; see `jlremote logs`");
    await sleep(20);
  }
}

async function waitReady(ctx: CommandContext, options: InstanceOptions, spawned: number | null): Promise<InstanceView> {
  const deadline = Date.now() + options.readyTimeoutMs + options.stopTimeoutMs + 15_000;
  for (;;) {
    const view = inspect(ctx.env, options.name, ctx.version);
    const state = view.report.state;
    if (state === "running") return view;
    const ours = spawned === null || view.record?.supervisor?.pid === spawned;
    if (ours && (state === "failed" || state === "stopped" || !view.supervisorAlive)) {
      const tail = tailLines(view.paths.jupyterLogFile, 15);
      throw new JlremoteError(`Jupyter did not start: ${view.report.reason ?? state}`, ExitCode.failure, {
        detail: tail ? `--- last lines of ${view.paths.jupyterLogFile} ---\n${tail}` : undefined,
      });
    }
    if (Date.now() > deadline) throw new JlremoteError(`Jupyter was not ready in time (state ${state}); see \`jlremote logs --name ${options.name}\``);
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
