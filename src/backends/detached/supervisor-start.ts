// The detached backend's start: spawn the supervisor in its own session (or find it) and wait for a ready Jupyter.
import { forwardTarget } from "../../core/remote-status.js";
import { spawn } from "node:child_process";
import { basename, dirname } from "node:path";
import { ExitCode, JlremoteError } from "../../core/errors.js";
import { differs } from "../../core/instance-options.js";
import type { Settings } from "../../core/settings.js";
import type { InstanceOptions } from "../../core/types.js";
import { type DirWatch, watchFile } from "../../io/dir-watch.js";
import { acquireLock } from "../../io/lock.js";
import { tailLines } from "../../io/logs.js";
import { instancePaths } from "../../io/paths.js";
import { isPortFree } from "../../io/ports.js";
import { hostName } from "../../io/process-identity.js";
import { forgetRemembered, writeRemembered } from "../../io/settings-file.js";
import { readState, ensurePrivateDir } from "../../io/state-file.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";
import { withSupervisorFlags } from "../../io/supervisor-argv.js";
import { supervisorSpawnEnv } from "../../core/warm-supervisor.js";
import { monotonicMs } from "../../io/clock.js";

/**
 * Make sure a supervisor runs for these options and wait until Jupyter is ready. `remember`: the settings an explicit
 * start remembers (null: none given); `rootDirSet`: the root dir was a setting, not just the current directory.
 */
export async function ensureStarted(
  options: InstanceOptions,
  ctx: BackendContext,
  remember: Settings | null = null,
  rootDirSet = true,
): Promise<InstanceView> {
  const paths = instancePaths(ctx.env, options.name);
  ensurePrivateDir(paths.dir, ctx.err);
  const release = await acquireLock(paths.lockFile, 30_000, (e) =>
    ctx.err(`warning: start lock compromised: ${e.message}`),
  );
  let supervisorPid: number | null = null;
  try {
    const view = ctx.inspect(options.name);
    if (view.report.elsewhere) {
      throw new JlremoteError(
        `instance '${options.name}' runs on host ${view.report.host}; run jlremote there`,
        ExitCode.elsewhere,
      );
    }
    if (view.record && view.record.host !== hostName())
      ctx.err(`note: taking over '${options.name}': ${view.report.reason ?? `last run on host ${view.record.host}`}`);
    if (remember !== null) {
      // A full disk is reported by the supervisor (state.json) with its reason; here only a warning.
      try {
        if (Object.keys(remember).length === 0) forgetRemembered(paths.dir);
        else writeRemembered(paths.dir, remember);
      } catch (err) {
        ctx.err(`warning: could not remember the options in ${paths.dir}/settings.json: ${(err as Error).message}`);
      }
    }
    if (!view.supervisorAlive || view.report.state === "failed" || view.report.state === "stopped") {
      if (!view.jupyterAlive && options.portExplicit && options.port !== null && !(await isPortFree(options.port))) {
        throw new JlremoteError(`port ${options.port} is busy; choose another --port or omit it`, ExitCode.usage);
      }
      supervisorPid = await spawnSupervisor(options, ctx, paths.stateFile);
    } else if (
      view.record &&
      differs(view.record.options, rootDirSet ? options : { ...options, rootDir: view.record.options.rootDir })
    ) {
      ctx.err(
        `note: '${options.name}' already runs with other options; ${remember !== null ? "yours are remembered and apply" : "the current settings apply"} after \`jlremote restart --name ${options.name}\``,
      );
    }
  } finally {
    await release();
  }
  return waitReady(ctx, options, supervisorPid);
}

async function spawnSupervisor(options: InstanceOptions, ctx: BackendContext, stateFile: string): Promise<number> {
  // Own session and no inherited stdout: `ssh host jlremote start` and `start | cat` return at once.
  // stderr is read until the supervisor has recorded itself: when it cannot (disk full), its one-line reason is ours.
  const env = supervisorSpawnEnv(ctx.env) as NodeJS.ProcessEnv;
  // The supervisor resolves the same settings itself (config file, remembered, defaults; root dir = its cwd); a socket
  // chosen for jllocal's start (JLREMOTE_LISTEN_DEFAULT, dropped from its env) is passed on as --sock.
  const runArgv = ["run", "--name", options.name, ...(options.sock ? ["--sock"] : []), "--daemon-child"];
  const prefix = withSupervisorFlags(ctx.self);
  // The warm supervisor cli.ts spawned ahead becomes this one; else (none, stale, other env) a fresh spawn.
  const child =
    ctx.warmSupervisor?.launch(prefix, env, { argv: runArgv, cwd: options.rootDir }) ??
    spawn(prefix[0] as string, [...prefix.slice(1), ...runArgv], {
      cwd: options.rootDir,
      env,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    });
  let exited: number | null = null;
  let said = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (said.length < 4096) said += d.toString("utf8");
  });
  const closed = new Promise<void>((r) => child.once("close", () => r()));
  child.on("exit", (code) => {
    exited = code ?? 1;
  });
  child.on("error", () => {
    exited = 1;
  });
  child.unref();
  const deadline = monotonicMs() + 15_000;
  // The claim is a rename into the instance dir: woken by it, not by a fixed poll.
  const dirWatch = watchFile(dirname(stateFile), basename(stateFile));
  try {
    for (;;) {
      const read = readState(stateFile);
      if (read.kind === "ok" && read.record.supervisor?.pid === child.pid && child.pid !== undefined) return child.pid;
      if (exited !== null) {
        await Promise.race([closed, sleep(500)]);
        const why = said
          .split("\n")
          .map((l) => l.replace(/^jlremote: /, "").trim())
          .filter(Boolean)
          .pop();
        throw new JlremoteError(
          why
            ? `the supervisor could not start: ${why}`
            : `the supervisor exited at once (code ${exited}); see \`jlremote logs --name ${options.name}\``,
        );
      }
      if (monotonicMs() > deadline)
        throw new JlremoteError("the supervisor did not start within 15 s; see `jlremote logs`");
      await dirWatch.next(100);
    }
  } finally {
    dirWatch.close();
    child.stderr?.destroy();
  }
}

async function waitReady(ctx: BackendContext, options: InstanceOptions, spawned: number | null): Promise<InstanceView> {
  const deadline = monotonicMs() + options.readyTimeoutMs + options.stopTimeoutMs + 15_000;
  // Woken by the supervisor's state writes (renames into the instance dir); 250 ms at the latest (a supervisor's death).
  const { stateFile } = instancePaths(ctx.env, options.name);
  const dirWatch = watchFile(dirname(stateFile), basename(stateFile));
  try {
    return await pollReady(ctx, options, spawned, deadline, dirWatch);
  } finally {
    dirWatch.close();
  }
}

async function pollReady(
  ctx: BackendContext,
  options: InstanceOptions,
  spawned: number | null,
  deadline: number,
  dirWatch: DirWatch,
): Promise<InstanceView> {
  let told = ctx.onListening === undefined;
  for (;;) {
    const view = ctx.inspect(options.name);
    const state = view.report.state;
    if (state === "running") return view;
    // Where it will listen, as soon as the supervisor recorded it (a socket at its claim, a port with the spawn).
    const target = told || state !== "starting" || !view.record ? null : forwardTarget(listenPlace(view.record));
    if (target !== null) {
      told = true;
      ctx.onListening?.(target);
    }
    const ours = spawned === null || view.record?.supervisor?.pid === spawned;
    if (ours && (state === "failed" || state === "stopped" || !view.supervisorAlive)) {
      const tail = tailLines(view.paths.jupyterLogFile, 15);
      throw new JlremoteError(`Jupyter did not start: ${view.report.reason ?? state}`, ExitCode.failure, {
        detail: tail ? `--- last lines of ${view.paths.jupyterLogFile} ---\n${tail}` : undefined,
      });
    }
    if (monotonicMs() > deadline)
      throw new JlremoteError(
        `Jupyter was not ready in time (state ${state}); see \`jlremote logs --name ${options.name}\``,
      );
    await dirWatch.next(250);
  }
}

/** The listen fields of a state record. */
function listenPlace(r: NonNullable<InstanceView["record"]>) {
  return { port: r.port, socket: r.socket, listenHost: r.listenHost ?? null };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
