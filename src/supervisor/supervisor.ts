// The supervision loop: spawn (or adopt) Jupyter, restart it per the restart policy, stop it on request.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type pino from "pino";
import { ExitCode, JlremoteError, fsErrorText } from "../core/errors.js";
import { logDefaults } from "../core/instance-options.js";
import { jupyterEnv, jupyterOptions } from "../core/jupyter-command.js";
import { configFileText, jupyterConfig, userConfigNames, type JupyterConfig, type JupyterFlavour } from "../core/jupyter-config.js";
import { decidePort } from "../core/port-decision.js";
import { withPrologue } from "../core/jupyter-install.js";
import { decideRestart, defaultRestartPolicy } from "../core/restart-policy.js";
import { heartbeatMs } from "../core/status-report.js";
import type { InstanceOptions, StateRecord } from "../core/types.js";
import { detectFlavour } from "../io/jupyter-flavour.js";
import { describeProcess } from "../io/instance-processes.js";
import { spawnJupyter } from "../io/jupyter-process.js";
import { describeHolder, portHolder } from "../io/listener-owner.js";
import { capAppendLog, closeQuietly, rotateAndOpen, type RotationPolicy } from "../io/logs.js";
import type { InstancePaths } from "../io/paths.js";
import { findFreePort, isPortFree } from "../io/ports.js";
import { hostName, identify } from "../io/process-identity.js";
import { waitGone } from "../io/process-tree.js";
import { removeStaleSocket } from "../io/socket-file.js";
import { watchJupyter, type RunEnd, type WatchedJupyter } from "./jupyter-run.js";
import { authProblem, writeConfigFile } from "./launch-config.js";
import { listenerGate } from "./listener-gate.js";
import { cleanupInstance, stopJupyterTree, type Cleanup } from "./shutdown.js";
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
  /** A crashed instance's token, port and marker (never after a clean stop): its URL keeps working, its leftovers are found. */
  resume?: { token: string; port: number | null; instanceId: string | null };
  /** Extra keys deep-merged into the config file Jupyter gets (e.g. ServerApp.jpserver_extensions). */
  jupyterConfigExtra?: JupyterConfig;
  /** The instance's settings read again (on `restart`); errors keep the current ones. */
  reload?: (current: InstanceOptions) => Promise<InstanceOptions>;
  /** Called once the state file names this supervisor (the start lock can be released then). */
  onClaimed?: () => void;
}

/** The rotation policy of an instance's logs. */
export function logPolicy(options: InstanceOptions): RotationPolicy {
  return { maxBytes: options.logMaxBytes ?? logDefaults.maxSizeMb * 1024 * 1024, keep: options.logKeep ?? logDefaults.keep };
}

/** Run until stopped (returns) or given up (throws JlremoteError with the reason). */
export async function supervise(ctx: SupervisorContext): Promise<void> {
  const { paths, log } = ctx;
  let options = normalized(ctx.adopt?.options ?? ctx.options);
  const keeper = new StateKeeper(paths.stateFile, initialRecord(ctx, options), log);
  try {
    keeper.claim();
  } catch (err) {
    // Nothing is started yet: a supervisor no command could see must not run Jupyter.
    const reason = `cannot record the instance: ${fsErrorText(err, paths.stateFile)}`;
    log.error({ err: reason }, "supervisor cannot record itself; exiting");
    throw new JlremoteError(reason, ExitCode.failure, { cause: err });
  }
  ctx.onClaimed?.();
  const instanceId = keeper.record.instanceId;
  const wake = new Wakeup();
  const onTerm = () => wake.fire("stop");
  const onUsr2 = () => wake.fire("restart");
  const onHup = () => log.info("SIGHUP ignored");
  process.on("SIGTERM", onTerm).on("SIGINT", onTerm).on("SIGUSR2", onUsr2).on("SIGHUP", onHup);
  const policy = logPolicy(options);
  const logFd = rotateAndOpen(paths.jupyterLogFile, policy.keep, !ctx.adopt);
  try {
    if (!ctx.adopt) {
      if (ctx.resume?.instanceId) {
        // A crashed instance (supervisor and Jupyter gone): its kernels and children go before a new Jupyter starts.
        recordCleanup(keeper, log, await cleanupInstance(ctx.resume.instanceId, 0), "left by the crashed instance");
      }
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
    let flavour: JupyterFlavour | null = null;
    const configFile = join(paths.dir, "jupyter-config.py");
    const housekeeping = {
      everyMs: Math.min(10_000, Math.max(100, options.healthIntervalMs)),
      run: () => {
        if (capAppendLog(paths.jupyterLogFile, policy)) log.info({ file: paths.jupyterLogFile }, "jupyter log rotated");
        if (performance.now() - keeper.lastWriteAt >= heartbeatMs) keeper.update({});
      },
    };
    for (;;) {
      if (current === null) {
        const { token, port, socket } = keeper.record;
        flavour ??= await detectFlavour(options.jupyter, options.app, ctx.env, join(paths.dir, "flavour.json"));
        try {
          // The token and every setting jlremote owns travel in a 0600 file that beats the user's config files.
          const config = jupyterConfig({ app: options.app, flavour, token, rootDir: options.rootDir, port, socket, asRoot: process.getuid?.() === 0 }, ctx.jupyterConfigExtra);
          writeConfigFile(configFile, configFileText(config, userConfigNames(options.app, flavour)));
          // With a prologue, sh runs it and execs Jupyter: same PID and start time, so the identity stays Jupyter's.
          const [file, ...args] = withPrologue(options.prologue, [...options.command, ...jupyterOptions({ app: options.app, configFile, extraArgs: options.extraArgs })]) as [string, ...string[]];
          current = await spawnJupyter(file, args, options.rootDir, jupyterEnv({ ...ctx.env, ...options.env }, instanceId), logFd);
        } catch (err) {
          throw giveUp(keeper, `cannot run ${options.jupyter}: ${(err as Error).message}`);
        }
        keeper.update({ jupyter: current.identity, state: everReady ? "restarting" : "starting", listenerVerifiedAt: null });
        log.info({ jupyterPid: current.identity.pid, flavour }, "jupyter spawned");
      }
      const end = await watchJupyter(current, wake, {
        gate: listenerGate(current.identity, { port: keeper.record.port, socket: keeper.record.socket }, ctx.env),
        token: keeper.record.token, readyTimeoutMs: options.readyTimeoutMs, healthIntervalMs: options.healthIntervalMs,
        healthRetries: options.healthRetries, log, housekeeping,
        onReady: (baseUrl) => {
          everReady = true;
          const verifiedAt = new Date().toISOString();
          keeper.update({ state: "running", startedAt: keeper.record.startedAt ?? verifiedAt, reason: null, baseUrl, listenerVerifiedAt: verifiedAt });
          log.info({ port: keeper.record.port, socket: keeper.record.socket, baseUrl }, "jupyter ready");
        },
      });
      await finishRun(current, end, options, keeper, log);
      current = null;
      if (end.why === "stop") {
        keeper.update({ state: "stopped", reason: null });
        if (keeper.record.socket) removeStaleSocket(keeper.record.socket);
        log.info("stopped");
        return;
      }
      if (end.why === "restart") {
        wake.clearRestart();
        options = await reloaded(ctx, options, keeper, choosePort);
        continue;
      }
      if (end.why === "open" || end.why === "forbidden") throw giveUp(keeper, authProblem(end.why, ctx.env));
      const port = keeper.record.port;
      if (end.readyAt === null && !options.sock && port !== null) {
        // Someone else took our port while Jupyter was (re)starting: it got nothing; move on, or fail with --port.
        const h = portHolder(port);
        const holder = h === null ? null : describeHolder(h);
        const busy = holder === null && !everReady && !options.portExplicit && !(await isPortFree(port));
        const p = decidePort({ port, portExplicit: options.portExplicit, everReady, holder, busy, moves: failures });
        if (p.kind === "fail") throw giveUp(keeper, p.reason);
        const next = p.kind === "move" ? await findFreePort(port + 1) : null;
        if (next !== null) {
          failures += 1;
          log.warn({ port: next, previous: port, holder }, "port taken meanwhile; trying the next free one");
          keeper.update({ port: next });
          continue;
        }
      }
      const d = decideRestart({ becameReady: end.readyAt !== null, readyForMs: end.readyAt === null ? 0 : performance.now() - end.readyAt, everReady, failuresBefore: failures, stopping: false }, { ...defaultRestartPolicy, maxRestarts: options.maxRestarts });
      if (d.kind !== "restart") throw giveUp(keeper, end.why === "timeout" ? `Jupyter was not ready within ${options.readyTimeoutMs / 1000} s` : d.kind === "give-up" ? d.reason : "stopped");
      failures = d.failures;
      keeper.update({ state: "restarting", restarts: keeper.record.restarts + 1 });
      log.warn({ delayMs: d.delayMs, failures, after: end.why }, "restarting jupyter");
      if (d.delayMs > 0) {
        await wake.sleep(d.delayMs);
        if (wake.pending === "stop") {
          keeper.update({ state: "stopped" });
          return;
        }
      }
    }
  } finally {
    closeQuietly(logFd);
    process.off("SIGTERM", onTerm).off("SIGINT", onTerm).off("SIGUSR2", onUsr2).off("SIGHUP", onHup);
  }
}

/** After a watch ended: stop what must be stopped, clean up the instance's processes, record the exit. */
async function finishRun(j: WatchedJupyter, end: RunEnd, options: InstanceOptions, keeper: StateKeeper, log: pino.Logger): Promise<void> {
  const id = keeper.record.instanceId;
  if (end.why === "hung") log.warn({ why: end.detail }, "jupyter counts as hung: restarting it (its kernels are killed with it)");
  const cleanup = end.why === "exit"
    ? null
    : await stopJupyterTree(j.identity, j.exited, id, end.why === "hung" ? Math.min(options.stopTimeoutMs, 5000) : options.stopTimeoutMs);
  const ex = await j.exited;
  const reason = { exit: "exited", timeout: `not ready within ${options.readyTimeoutMs / 1000} s`, hung: `not answering /api/status (${end.detail ?? `${options.healthRetries} probes failed`})`, stop: "stop requested", restart: "restart requested", open: "served without authentication", forbidden: "refused jlremote's token" }[end.why];
  const state = end.why === "stop" ? keeper.record.state : "restarting";
  keeper.update({ lastExit: { code: ex.code, signal: ex.signal, at: new Date().toISOString(), reason }, jupyter: null, state, listenerVerifiedAt: null });
  log.info({ code: ex.code, signal: ex.signal, reason }, "jupyter exited");
  // An unclean exit: the kernels lost their server; SIGKILL them at once (found by marker, however young).
  recordCleanup(keeper, log, cleanup ?? (await cleanupInstance(id, 0)), end.why === "exit" ? "left by an unclean exit" : `after ${end.why}`);
}

/** Log what a cleanup killed and kept, and record the count of detached processes left running. */
function recordCleanup(keeper: StateKeeper, log: pino.Logger, c: Cleanup, when: string): void {
  const kernels = c.killed.filter((p) => p.kind === "kernel").length;
  if (c.killed.length > 0) log.warn({ killed: c.killed.map(describeProcess), kernels }, `killed ${kernels} orphaned kernels and ${c.killed.length - kernels} other processes ${when}`);
  if (c.kept.length > 0) log.warn({ detached: c.kept.map(describeProcess) }, `left ${c.kept.length} detached processes running (nohup/setsid jobs of the instance)`);
  if (keeper.record.detachedProcesses !== c.kept.length) keeper.update({ detachedProcesses: c.kept.length });
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
  keeper.update({ state: "failed", reason, jupyter: null });
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
    instanceId: a?.instanceId ?? ctx.resume?.instanceId ?? randomBytes(16).toString("hex"), detachedProcesses: a?.detachedProcesses ?? 0,
    token: a?.token ?? ctx.resume?.token ?? randomBytes(24).toString("hex"), app: options.app, options,
    baseUrl: a?.baseUrl ?? null, listenerVerifiedAt: a?.listenerVerifiedAt ?? null, startedAt: a?.startedAt ?? null, restarts: a?.restarts ?? 0, lastExit: a?.lastExit ?? null, reason: null,
    logFile: ctx.paths.logFile, jupyterLogFile: ctx.paths.jupyterLogFile, version: ctx.version, updatedAt: new Date().toISOString(), heartbeatAt: null,
  };
}
