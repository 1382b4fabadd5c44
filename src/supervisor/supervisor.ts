// The supervision loop: spawn (or adopt) Jupyter, restart it per the restart policy, stop it on request.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type pino from "pino";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { jupyterEnv, jupyterOptions } from "../core/jupyter-command.js";
import { withPrologue } from "../core/jupyter-install.js";
import { decideRestart, defaultRestartPolicy } from "../core/restart-policy.js";
import type { InstanceOptions, StateRecord } from "../core/types.js";
import { spawnJupyter } from "../io/jupyter-process.js";
import { closeQuietly, rotateAndOpen } from "../io/logs.js";
import type { InstancePaths } from "../io/paths.js";
import { findFreePort, isPortFree } from "../io/ports.js";
import { hostName, identify } from "../io/process-identity.js";
import { waitGone } from "../io/process-tree.js";
import { removeStaleSocket } from "../io/socket-file.js";
import { watchJupyter, type RunEnd, type WatchedJupyter } from "./jupyter-run.js";
import { killOrphans, stopJupyterTree } from "./shutdown.js";
import { normalized, reloaded } from "./settings-reload.js";
import { StateKeeper } from "./state-keeper.js";
import { Wakeup } from "./wakeup.js";

/** What the supervisor needs from its caller. */
export interface SupervisorContext {
  paths: InstancePaths;
  options: InstanceOptions;
  env: Record<string, string | undefined>;
  log: pino.Logger;
  version: string;
  /** A record whose Jupyter is alive but unsupervised: take it over instead of spawning a new one. */
  adopt?: StateRecord;
  /** A crashed instance's token and port (never after a clean stop): reused, so its URL and tunnels keep working. */
  resume?: { token: string; port: number | null };
  /** The instance's settings read again (on `restart`); errors keep the current ones. */
  reload?: (current: InstanceOptions) => Promise<InstanceOptions>;
  /** Called once the state file names this supervisor (the start lock can be released then). */
  onClaimed?: () => void;
}

/** Run until stopped (returns) or given up (throws JlremoteError with the reason). */
export async function supervise(ctx: SupervisorContext): Promise<void> {
  const { paths, log } = ctx;
  let options = normalized(ctx.adopt?.options ?? ctx.options);
  const keeper = new StateKeeper(paths.stateFile, initialRecord(ctx, options), log);
  keeper.update({});
  ctx.onClaimed?.();
  const wake = new Wakeup();
  const onTerm = () => wake.fire("stop");
  const onUsr2 = () => wake.fire("restart");
  const onHup = () => log.info("SIGHUP ignored");
  process.on("SIGTERM", onTerm).on("SIGINT", onTerm).on("SIGUSR2", onUsr2).on("SIGHUP", onHup);
  const logFd = rotateAndOpen(paths.jupyterLogFile);
  try {
    if (!ctx.adopt) {
      try {
        if (options.sock) removeStaleSocket(keeper.record.socket as string);
        else keeper.update({ port: await choosePort(options, ctx.resume?.port ?? null) });
      } catch (err) {
        throw giveUp(keeper, (err as Error).message, err);
      }
    }
    log.info({ name: options.name, app: options.app, port: keeper.record.port, socket: keeper.record.socket, adopted: Boolean(ctx.adopt) }, "supervisor started");
    let everReady = Boolean(ctx.adopt);
    let failures = 0;
    let current: WatchedJupyter | null = ctx.adopt?.jupyter ? adopted(ctx.adopt) : null;
    for (;;) {
      if (current === null) {
        const { token, port, socket } = keeper.record;
        const flags = jupyterOptions({ jupyter: options.jupyter, app: options.app, port, socket, token, asRoot: process.getuid?.() === 0, extraArgs: options.extraArgs });
        // With a prologue, sh runs it and execs Jupyter: same PID and start time, so the identity stays Jupyter's.
        const [file, ...args] = withPrologue(options.prologue, [...options.command, ...flags]) as [string, ...string[]];
        try {
          current = await spawnJupyter(file, args, options.rootDir, jupyterEnv({ ...ctx.env, ...options.env }, token), logFd);
        } catch (err) {
          throw giveUp(keeper, `cannot run ${options.jupyter}: ${(err as Error).message}`);
        }
        keeper.update({ jupyter: current.identity, state: everReady ? "restarting" : "starting" });
        log.info({ jupyterPid: current.identity.pid }, "jupyter spawned");
      }
      const end = await watchJupyter(current, wake, {
        endpoint: keeper.record.socket ? { socket: keeper.record.socket } : { port: keeper.record.port ?? 0 },
        token: keeper.record.token, readyTimeoutMs: options.readyTimeoutMs, healthIntervalMs: options.healthIntervalMs,
        healthRetries: options.healthRetries, snapshotIntervalMs: 5000, known: keeper.record.children, log,
        onReady: (at) => {
          everReady = true;
          keeper.update({ state: "running", startedAt: keeper.record.startedAt ?? new Date(at).toISOString(), reason: null });
          log.info({ port: keeper.record.port, socket: keeper.record.socket }, "jupyter ready");
        },
        onChildren: (children) => keeper.update({ children }),
      });
      await finishRun(current, end, options, keeper, log);
      current = null;
      if (end.why === "stop") {
        keeper.update({ state: "stopped", reason: null, children: [] });
        if (keeper.record.socket) removeStaleSocket(keeper.record.socket);
        log.info("stopped");
        return;
      }
      if (end.why === "restart") {
        wake.clearRestart();
        options = await reloaded(ctx, options, keeper, choosePort);
        continue;
      }
      if (!everReady && !options.portExplicit && !options.sock && keeper.record.port !== null && failures < 10 && !(await isPortFree(keeper.record.port))) {
        const next = await findFreePort(keeper.record.port + 1);
        if (next !== null) { failures += 1; log.warn({ port: next }, "port taken meanwhile; trying the next free one"); keeper.update({ port: next }); continue; }
      }
      const d = decideRestart({ becameReady: end.readyAt !== null, readyForMs: end.readyAt === null ? 0 : Date.now() - end.readyAt, everReady, failuresBefore: failures, stopping: false }, { ...defaultRestartPolicy, maxRestarts: options.maxRestarts });
      if (d.kind !== "restart") throw giveUp(keeper, end.why === "timeout" ? `Jupyter was not ready within ${options.readyTimeoutMs / 1000} s` : d.kind === "give-up" ? d.reason : "stopped");
      failures = d.failures;
      keeper.update({ state: "restarting", restarts: keeper.record.restarts + 1 });
      log.warn({ delayMs: d.delayMs, failures, after: end.why }, "restarting jupyter");
      if (d.delayMs > 0 && (await wake.raceFor(new Promise<never>(() => {}), d.delayMs)) === "stop") {
        keeper.update({ state: "stopped" });
        return;
      }
    }
  } finally {
    closeQuietly(logFd);
    process.off("SIGTERM", onTerm).off("SIGINT", onTerm).off("SIGUSR2", onUsr2).off("SIGHUP", onHup);
  }
}

/** After a watch ended: stop what must be stopped, clean up orphans, record the exit. */
async function finishRun(j: WatchedJupyter, end: RunEnd, options: InstanceOptions, keeper: StateKeeper, log: pino.Logger): Promise<void> {
  if (end.why !== "exit") await stopJupyterTree(j.identity, j.exited, end.known, end.why === "hung" ? Math.min(options.stopTimeoutMs, 5000) : options.stopTimeoutMs);
  const ex = await j.exited;
  const reason = { exit: "exited", timeout: `not ready within ${options.readyTimeoutMs / 1000} s`, hung: `not answering /api/status (${options.healthRetries} probes failed)`, stop: "stop requested", restart: "restart requested" }[end.why];
  const state = end.why === "stop" ? keeper.record.state : "restarting";
  keeper.update({ lastExit: { code: ex.code, signal: ex.signal, at: new Date().toISOString(), reason }, jupyter: null, state });
  log.info({ code: ex.code, signal: ex.signal, reason }, "jupyter exited");
  if (end.why === "exit") {
    const n = await killOrphans(end.known);
    if (n > 0) log.warn({ killed: n }, "killed orphaned kernels left by an unclean exit");
  }
  keeper.update({ children: [] });
}

/** Watch a Jupyter that is not our child: its exit is seen by polling its identity. */
function adopted(record: StateRecord): WatchedJupyter {
  const identity = record.jupyter as NonNullable<StateRecord["jupyter"]>;
  const exited = (async () => {
    while (!(await waitGone([identity], 3_600_000, 250))) { /* keep watching */ }
    return { code: null, signal: null };
  })();
  return { identity, exited };
}

function giveUp(keeper: StateKeeper, reason: string, cause?: unknown): JlremoteError {
  keeper.update({ state: "failed", reason, jupyter: null, children: [] });
  const code = cause instanceof JlremoteError ? cause.exitCode : ExitCode.failure;
  return new JlremoteError(reason, code, { cause });
}

async function choosePort(options: InstanceOptions, previous: number | null): Promise<number> {
  const wanted = options.port ?? 8888;
  if (options.portExplicit) {
    if (!(await isPortFree(wanted))) throw new JlremoteError(`port ${wanted} is busy; choose another --port or omit it`, ExitCode.usage);
    return wanted;
  }
  if (previous !== null && (await isPortFree(previous))) return previous;
  const free = await findFreePort(wanted);
  if (free === null) throw new JlremoteError(`no free port from ${wanted} on; pass --port`, ExitCode.failure);
  return free;
}

function initialRecord(ctx: SupervisorContext, options: InstanceOptions): StateRecord {
  const a = ctx.adopt;
  return {
    schema: 1, name: options.name, state: a ? "running" : "starting", host: hostName(), supervisor: identify(process.pid),
    jupyter: a?.jupyter ?? null, port: a ? a.port : null, socket: a ? a.socket : options.sock ? join(ctx.paths.dir, "jupyter.sock") : null,
    children: a?.children ?? [], token: a?.token ?? ctx.resume?.token ?? randomBytes(24).toString("hex"), app: options.app, options,
    startedAt: a?.startedAt ?? null, restarts: a?.restarts ?? 0, lastExit: a?.lastExit ?? null, reason: null,
    logFile: ctx.paths.logFile, jupyterLogFile: ctx.paths.jupyterLogFile, version: ctx.version, updatedAt: new Date().toISOString(),
  };
}
