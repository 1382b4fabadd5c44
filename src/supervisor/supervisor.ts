// The supervision loop: spawn Jupyter, wait until it answers, restart it per the restart policy, stop on signal.
import { randomBytes } from "node:crypto";
import type pino from "pino";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { jupyterArgs, jupyterEnv } from "../core/jupyter-command.js";
import { decideRestart, defaultRestartPolicy } from "../core/restart-policy.js";
import type { InstanceOptions, ProcessIdentity, StateRecord } from "../core/types.js";
import { probeStatus } from "../io/http-probe.js";
import { closeQuietly, rotateAndOpen } from "../io/logs.js";
import type { InstancePaths } from "../io/paths.js";
import { findFreePort, isPortFree } from "../io/ports.js";
import { descendants } from "../io/process-tree.js";
import { hostName, identify } from "../io/process-identity.js";
import { spawnJupyter, type JupyterChild } from "../io/jupyter-process.js";
import { killOrphans, mergeIds, stopJupyterTree } from "./shutdown.js";
import { StateKeeper } from "./state-keeper.js";

/** What the supervisor needs from its caller. */
export interface SupervisorContext {
  paths: InstancePaths;
  options: InstanceOptions;
  env: Record<string, string | undefined>;
  log: pino.Logger;
  version: string;
  /** Called once the state file names this supervisor (the start lock can be released then). */
  onClaimed?: () => void;
}

type Wake = "exit" | "stop" | "restart";

/** Run until stopped (returns) or given up (throws JlremoteError with the reason). */
export async function supervise(ctx: SupervisorContext): Promise<void> {
  const { options, paths, log } = ctx;
  const token = randomBytes(24).toString("hex");
  const keeper = new StateKeeper(paths.stateFile, initialRecord(ctx, token, new Date().toISOString()), log);
  keeper.update({});
  ctx.onClaimed?.();
  try {
    keeper.update({ port: await choosePort(options) });
  } catch (err) {
    throw giveUp(keeper, (err as Error).message, err);
  }
  log.info({ name: options.name, app: options.app, port: keeper.record.port, jupyter: options.jupyter }, "supervisor started");

  let wake: ((w: Wake) => void) | null = null;
  let pending: Wake | null = null;
  const signal = (w: Wake) => { pending = pending === "stop" ? "stop" : w; wake?.(w); };
  const onTerm = () => signal("stop");
  const onUsr2 = () => signal("restart");
  process.on("SIGTERM", onTerm).on("SIGINT", onTerm).on("SIGUSR2", onUsr2).on("SIGHUP", () => log.info("SIGHUP ignored"));

  const logFd = rotateAndOpen(paths.jupyterLogFile);
  let everReady = false;
  let failures = 0;
  try {
    for (;;) {
      const args = jupyterArgs({ jupyter: options.jupyter, app: options.app, port: keeper.record.port, socket: null, token, asRoot: process.getuid?.() === 0, extraArgs: options.extraArgs });
      let child: JupyterChild;
      try {
        child = await spawnJupyter(options.jupyter, args, options.rootDir, jupyterEnv(ctx.env, token), logFd);
      } catch (err) {
        throw giveUp(keeper, `cannot run ${options.jupyter}: ${(err as Error).message}`);
      }
      keeper.update({ jupyter: child.identity, state: everReady ? "restarting" : "starting" });
      log.info({ jupyterPid: child.identity.pid }, "jupyter spawned");
      const spawnedAt = Date.now();
      let known: ProcessIdentity[] = [];
      const waitFor = <T>(p: Promise<T>) => new Promise<T | Wake>((res) => {
        if (pending) return res(pending);
        wake = res;
        p.then(res);
      });
      const endpoint = { port: keeper.record.port ?? 0 };

      // Phase 1: until ready.
      let readyAt: number | null = null;
      const deadline = spawnedAt + options.readyTimeoutMs;
      let why: Wake | "timeout" = "exit";
      for (;;) {
        const code = await probeStatus(endpoint, token, 1000);
        if (code === 200) { readyAt = Date.now(); break; }
        const w = await waitFor(Promise.race([child.exited.then(() => "exit" as const), sleep(100).then(() => null)]));
        if (w === "exit" || w === "stop" || w === "restart") { why = w; break; }
        if (Date.now() > deadline) { why = "timeout"; break; }
      }
      // Phase 2: running until exit, stop or restart request.
      if (readyAt !== null) {
        everReady = true;
        keeper.update({ state: "running", startedAt: keeper.record.startedAt ?? new Date(readyAt).toISOString(), reason: null });
        log.info({ port: keeper.record.port, readyMs: readyAt - spawnedAt }, "jupyter ready");
        const snap = setInterval(() => { known = mergeIds(known, descendants(child.identity.pid)); }, 2000);
        why = (await waitFor(child.exited.then(() => "exit" as const))) as Wake;
        clearInterval(snap);
      }
      wake = null;
      known = mergeIds(known, descendants(child.identity.pid));
      if (why === "stop" || why === "restart" || why === "timeout") {
        await stopJupyterTree(child.identity, child.exited, known, options.stopTimeoutMs);
      }
      const ex = await child.exited;
      const reason = why === "timeout" ? `not ready within ${options.readyTimeoutMs / 1000} s` : why === "exit" ? "exited" : `${why} requested`;
      keeper.update({ lastExit: { code: ex.code, signal: ex.signal, at: new Date().toISOString(), reason }, jupyter: null });
      log.info({ code: ex.code, signal: ex.signal, reason }, "jupyter exited");
      if (why === "exit") {
        const n = await killOrphans(known);
        if (n > 0) log.warn({ killed: n }, "killed orphaned kernels left by an unclean exit");
      }
      if (why === "stop") {
        pending = null;
        keeper.update({ state: "stopped", reason: null });
        log.info("stopped");
        return;
      }
      if (why === "restart") { pending = null; continue; }
      if (!everReady && !options.portExplicit && keeper.record.port !== null && !(await isPortFree(keeper.record.port))) {
        const next = await findFreePort(keeper.record.port + 1);
        if (next !== null && failures < 10) { failures += 1; log.warn({ port: next }, "port taken meanwhile; trying the next free one"); keeper.update({ port: next }); continue; }
      }
      const d = decideRestart({ becameReady: readyAt !== null, readyForMs: readyAt === null ? 0 : Date.now() - readyAt, everReady, failuresBefore: failures, stopping: false }, { ...defaultRestartPolicy, maxRestarts: options.maxRestarts });
      if (d.kind !== "restart") throw giveUp(keeper, why === "timeout" ? `Jupyter was not ready within ${options.readyTimeoutMs / 1000} s` : d.kind === "give-up" ? d.reason : "stopped");
      failures = d.failures;
      keeper.update({ state: "restarting", restarts: keeper.record.restarts + 1 });
      log.warn({ delayMs: d.delayMs, failures }, "restarting jupyter");
      if (d.delayMs > 0 && (await waitFor(sleep(d.delayMs).then(() => null))) === "stop") {
        keeper.update({ state: "stopped" });
        return;
      }
    }
  } finally {
    closeQuietly(logFd);
    process.off("SIGTERM", onTerm).off("SIGINT", onTerm).off("SIGUSR2", onUsr2);
  }
}

function giveUp(keeper: StateKeeper, reason: string, cause?: unknown): JlremoteError {
  keeper.update({ state: "failed", reason, jupyter: null });
  const code = cause instanceof JlremoteError ? cause.exitCode : ExitCode.failure;
  return new JlremoteError(reason, code, { cause });
}

async function choosePort(options: InstanceOptions): Promise<number> {
  const wanted = options.port ?? 8888;
  if (options.portExplicit) {
    if (!(await isPortFree(wanted))) throw new JlremoteError(`port ${wanted} is busy; choose another --port or omit it`, ExitCode.usage);
    return wanted;
  }
  const free = await findFreePort(wanted);
  if (free === null) throw new JlremoteError(`no free port from ${wanted} on; pass --port`, ExitCode.failure);
  return free;
}

function initialRecord(ctx: SupervisorContext, token: string, now: string): StateRecord {
  return {
    schema: 1, name: ctx.options.name, state: "starting", host: hostName(), supervisor: identify(process.pid),
    jupyter: null, port: null, token, app: ctx.options.app, options: ctx.options, startedAt: null, restarts: 0,
    lastExit: null, reason: null, logFile: ctx.paths.logFile, jupyterLogFile: ctx.paths.jupyterLogFile,
    version: ctx.version, updatedAt: now,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
