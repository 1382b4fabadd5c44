// The supervision loop: spawn (or adopt) Jupyter, restart it per the restart policy, stop it on request.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type pino from "pino";
import { ExitCode, JlremoteError, fsErrorText } from "../core/errors.js";
import { logDefaults } from "../core/instance-options.js";
import { jupyterEnv, jupyterOptions } from "../core/jupyter-command.js";
import {
  configFileText,
  deepMerge,
  idleConfig,
  jupyterConfig,
  userConfigNames,
  type JupyterConfig,
  type JupyterFlavour,
} from "../core/jupyter-config.js";
import { decidePort } from "../core/port-decision.js";
import { withPrologue } from "../core/jupyter-install.js";
import { decideRestart, defaultRestartPolicy } from "../core/restart-policy.js";
import { heartbeatMs } from "../core/status-report.js";
import type { InstanceOptions, ProcessIdentity, StateRecord } from "../core/types.js";
import { detectFlavour } from "../io/jupyter-flavour.js";
import { describeProcess } from "../io/instance-processes.js";
import { describeHolder, portHolder } from "../io/listener-owner.js";
import { capAppendLog, closeQuietly, rotateAndOpen, type RotationPolicy } from "../io/logs.js";
import type { InstancePaths } from "../io/paths.js";
import { findFreePort, isPortFree } from "../io/ports.js";
import { hostName, identify } from "../io/process-identity.js";
import { signalOne, waitGone } from "../io/process-tree.js";
import { removeStaleSocket } from "../io/socket-file.js";
import { watchJupyter, type RunEnd, type WatchedJupyter } from "./jupyter-run.js";
import { KernelKeeping } from "./kernel-keeping.js";
import { labUiExtra } from "./lab-ui.js";
import { authProblem, writeConfigFile } from "./launch-config.js";
import { listenerGate } from "./listener-gate.js";
import { cleanupForAdoption, cleanupInstance, stopJupyterTree, type Cleanup } from "./shutdown.js";
import { normalized, reloaded } from "./settings-reload.js";
import { StateKeeper } from "./state-keeper.js";
import { Wakeup } from "./wakeup.js";
import { jobPortBase, startJobMode, type JobMode } from "./job-mode.js";
import { clusterAddress } from "../io/node-address.js";

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
  resume?: { token: string; port: number | null; instanceId: string | null; keepers?: ProcessIdentity[] };
  /** Extra keys deep-merged into the config file Jupyter gets (e.g. ServerApp.jpserver_extensions). */
  jupyterConfigExtra?: JupyterConfig;
  /** The instance's settings read again (on `restart`); errors keep the current ones. */
  reload?: (current: InstanceOptions) => Promise<InstanceOptions>;
  /** Called once the state file names this supervisor (the start lock can be released then). */
  onClaimed?: () => void;
}

/** The rotation policy of an instance's logs. */
export function logPolicy(options: InstanceOptions): RotationPolicy {
  return {
    maxBytes: options.logMaxBytes ?? logDefaults.maxSizeMb * 1024 * 1024,
    keep: options.logKeep ?? logDefaults.keep,
  };
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
  let job: JobMode | null = null;
  let signalled = false;
  const onTermJob = () => {
    signalled = true;
  };
  process.on("SIGTERM", onTermJob);
  // Kernels outlive a crashed, hung or restarted Jupyter under the keeper and are re-adopted by the next one.
  const kernels = await KernelKeeping.start({
    dir: paths.dir,
    jupyter: options.jupyter,
    env: ctx.env,
    logFd,
    log,
    formerKeepers: ctx.adopt?.keepers ?? ctx.resume?.keepers ?? [],
  });
  keeper.update({ keepers: kernels.keepers() });
  try {
    if (options.scheduler === "slurm") {
      // A batch job: listen where the login node can reach us (the token guards it), tell readers we live.
      try {
        keeper.update({ listenHost: await clusterAddress() });
      } catch (err) {
        throw giveUp(keeper, (err as Error).message, err);
      }
      job = startJobMode(keeper, ctx.env, log);
    }
    const host = keeper.record.listenHost ?? undefined;
    if (!ctx.adopt) {
      if (ctx.resume?.instanceId) {
        // A crashed instance (supervisor and Jupyter gone): its kernels and children go before a new Jupyter starts.
        recordCleanup(keeper, log, await cleanupInstance(ctx.resume.instanceId, 0), "left by the crashed instance");
      }
      try {
        if (options.sock) removeStaleSocket(keeper.record.socket as string);
        else
          keeper.update({
            port: await choosePort(
              options,
              ctx.resume?.port ?? null,
              host,
              job ? jobPortBase(ctx.env.SLURM_JOB_ID) : 8888,
            ),
          });
      } catch (err) {
        throw giveUp(keeper, (err as Error).message, err);
      }
    }
    log.info(
      {
        name: options.name,
        app: options.app,
        port: keeper.record.port,
        socket: keeper.record.socket,
        adopted: Boolean(ctx.adopt),
      },
      "supervisor started",
    );
    let everReady = Boolean(ctx.adopt);
    let failures = 0;
    let current: WatchedJupyter | null = ctx.adopt?.jupyter ? adopted(ctx.adopt) : null;
    let flavour: JupyterFlavour | null = null;
    const configFile = join(paths.dir, "jupyter-config.py");
    const tick = benchTick(ctx.env);
    let turns = 0;
    const housekeeping = {
      everyMs: tick ?? Math.min(10_000, Math.max(100, options.healthIntervalMs)),
      run: () => {
        if (tick !== null && (turns += 1) % 10_000 === 0) log.info({ iterations: turns }, "watch loop");
        if (capAppendLog(paths.jupyterLogFile, policy)) log.info({ file: paths.jupyterLogFile }, "jupyter log rotated");
        if (performance.now() - keeper.lastWriteAt >= heartbeatMs) keeper.update({});
      },
    };
    for (;;) {
      if (current === null) {
        const { token, port, socket } = keeper.record;
        flavour ??= await detectFlavour(
          options.command,
          options.app,
          { ...ctx.env, ...options.env },
          join(paths.dir, "flavour.json"),
        );
        try {
          // The token and every setting jlremote owns travel in a 0600 file that beats the user's config files;
          // the kernel-adoption keys (extension, kernels to re-adopt, sessions file) and idle culling are merged in.
          const extra = deepMerge(
            deepMerge(ctx.jupyterConfigExtra ?? {}, kernels.configExtra()),
            labUiExtra(kernels.pythonPath().length > 0, paths.stateFile, options, ctx.env),
          );
          const withIdle = options.idleTimeoutMin
            ? deepMerge(extra, idleConfig(options.app, flavour, options.idleTimeoutMin * 60))
            : extra;
          const config = jupyterConfig(
            {
              app: options.app,
              flavour,
              token,
              rootDir: options.rootDir,
              port,
              socket,
              asRoot: process.getuid?.() === 0,
              host,
            },
            withIdle,
          );
          const names = userConfigNames(options.app, flavour);
          kernels.writeConfig(
            () => writeConfigFile(configFile, configFileText(config, names, kernels.pythonPath())),
            configFile,
          );
          // With a prologue, sh runs it and execs Jupyter: same PID and start time, so the identity stays Jupyter's.
          const [file, ...args] = withPrologue(options.prologue, [
            ...options.command,
            ...jupyterOptions({ app: options.app, configFile, extraArgs: options.extraArgs }),
          ]) as [string, ...string[]];
          current = await kernels.spawn(
            file,
            args,
            options.rootDir,
            jupyterEnv({ ...ctx.env, ...options.env }, instanceId),
            logFd,
          );
        } catch (err) {
          throw giveUp(keeper, `cannot run ${options.jupyter}: ${(err as Error).message}`);
        }
        keeper.update({
          jupyter: current.identity,
          state: everReady ? "restarting" : "starting",
          listenerVerifiedAt: null,
          keepers: kernels.keepers(),
        });
        log.info({ jupyterPid: current.identity.pid, flavour }, "jupyter spawned");
      }
      const watched = current;
      const end = await watchJupyter(current, wake, {
        gate: listenerGate(
          current.identity,
          { port: keeper.record.port, socket: keeper.record.socket, host: keeper.record.listenHost ?? null },
          ctx.env,
        ),
        token: keeper.record.token,
        readyTimeoutMs: options.readyTimeoutMs,
        healthIntervalMs: options.healthIntervalMs,
        healthRetries: options.healthRetries,
        log,
        housekeeping,
        onReady: async (baseUrl) => {
          everReady = true;
          const verifiedAt = new Date().toISOString();
          const adoption = await kernels.afterReady(watched.identity.pid);
          keeper.update({
            state: "running",
            startedAt: keeper.record.startedAt ?? verifiedAt,
            reason: null,
            baseUrl,
            listenerVerifiedAt: verifiedAt,
            adoption,
          });
          log.info({ port: keeper.record.port, socket: keeper.record.socket, baseUrl }, "jupyter ready");
        },
      });
      await finishRun(current, end, options, keeper, log, kernels);
      current = null;
      if (end.why === "stop") {
        const jobEnd = job && signalled ? job.stopReason(Date.now()) : null;
        keeper.update({
          state: "stopped",
          reason: jobEnd,
          ...(jobEnd && keeper.record.job ? { job: { ...keeper.record.job, endReason: jobEnd } } : {}),
        });
        if (keeper.record.socket) removeStaleSocket(keeper.record.socket);
        log.info("stopped");
        return;
      }
      if (end.why === "restart") {
        wake.clearRestart();
        options = await reloaded(ctx, options, keeper, (o, previous) =>
          choosePort(o, previous, host, job ? jobPortBase(ctx.env.SLURM_JOB_ID) : 8888),
        );
        flavour = null;
        continue;
      }
      if (end.why === "exit" && options.idleTimeoutMin && everReady && keeper.record.lastExit?.code === 0) {
        // Jupyter's own idle shutdown (--idle-timeout): an end, not a crash; a batch job gives its allocation back.
        const reason = `idle: Jupyter shut down after ${options.idleTimeoutMin} min without activity`;
        keeper.update({
          state: "stopped",
          reason,
          ...(keeper.record.job ? { job: { ...keeper.record.job, endReason: reason } } : {}),
        });
        log.info({ idleTimeoutMin: options.idleTimeoutMin }, "jupyter shut down when idle; stopped");
        return;
      }
      if (end.why === "open" || end.why === "forbidden") throw giveUp(keeper, authProblem(end.why, ctx.env));
      const port = keeper.record.port;
      if (end.readyAt === null && !options.sock && port !== null) {
        // Someone else took our port while Jupyter was (re)starting: it got nothing; move on, or fail with --port.
        const h = portHolder(port, host);
        const holder = h === null ? null : describeHolder(h);
        const busy = holder === null && !everReady && !options.portExplicit && !(await isPortFree(port, host));
        const p = decidePort({ port, portExplicit: options.portExplicit, everReady, holder, busy, moves: failures });
        if (p.kind === "fail") throw giveUp(keeper, p.reason);
        const next = p.kind === "move" ? await findFreePort(port + 1, 100, host) : null;
        if (next !== null) {
          failures += 1;
          log.warn({ port: next, previous: port, holder }, "port taken meanwhile; trying the next free one");
          keeper.update({ port: next });
          continue;
        }
      }
      const d = decideRestart(
        {
          becameReady: end.readyAt !== null,
          readyForMs: end.readyAt === null ? 0 : performance.now() - end.readyAt,
          everReady,
          failuresBefore: failures,
          stopping: false,
        },
        { ...defaultRestartPolicy, maxRestarts: options.maxRestarts },
      );
      if (d.kind !== "restart")
        throw giveUp(
          keeper,
          end.why === "timeout"
            ? `Jupyter was not ready within ${options.readyTimeoutMs / 1000} s`
            : d.kind === "give-up"
              ? d.reason
              : "stopped",
        );
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
    job?.dispose();
    process.off("SIGTERM", onTermJob);
    await kernels.close(instanceId);
    closeQuietly(logFd);
    process.off("SIGTERM", onTerm).off("SIGINT", onTerm).off("SIGUSR2", onUsr2).off("SIGHUP", onHup);
  }
}

/** After a watch ended: stop what must be stopped, clean up the instance's processes, record the exit. */
async function finishRun(
  j: WatchedJupyter,
  end: RunEnd,
  options: InstanceOptions,
  keeper: StateKeeper,
  log: pino.Logger,
  kernels: KernelKeeping,
): Promise<void> {
  const id = keeper.record.instanceId;
  // A Jupyter that loaded jlremote's extension leaves its kernels to the keeper for the next one to re-adopt.
  const keep = (end.why === "exit" || end.why === "hung" || end.why === "restart") && kernels.survives(j.identity.pid);
  if (end.why === "hung")
    log.warn(
      { why: end.detail },
      `jupyter counts as hung: restarting it (its kernels are ${keep ? "kept for the next one" : "killed with it"})`,
    );
  // Kept: SIGKILL, since Jupyter's clean shutdown would stop the kernels.
  if (keep && end.why !== "exit") signalOne(j.identity, "SIGKILL");
  const cleanup =
    end.why === "exit" || keep
      ? null
      : await stopJupyterTree(
          j.identity,
          j.exited,
          id,
          end.why === "hung" ? Math.min(options.stopTimeoutMs, 5000) : options.stopTimeoutMs,
        );
  const ex = await j.exited;
  const reason = {
    exit: "exited",
    timeout: `not ready within ${options.readyTimeoutMs / 1000} s`,
    hung: `not answering /api/status (${end.detail ?? `${options.healthRetries} probes failed`})`,
    stop: "stop requested",
    restart: "restart requested",
    open: "served without authentication",
    forbidden: "refused jlremote's token",
  }[end.why];
  const state = end.why === "stop" ? keeper.record.state : "restarting";
  keeper.update({
    lastExit: { code: ex.code, signal: ex.signal, at: new Date().toISOString(), reason },
    jupyter: null,
    state,
    listenerVerifiedAt: null,
  });
  log.info({ code: ex.code, signal: ex.signal, reason }, "jupyter exited");
  if (keep) {
    const c = await cleanupForAdoption(id);
    recordCleanup(keeper, log, c, end.why === "exit" ? "left by an unclean exit" : `after ${end.why}`);
    const n = kernels.collect(c.adopt);
    if (n > 0) log.info({ kernels: n }, "kernels kept for the next Jupyter to re-adopt");
    return;
  }
  // An unclean exit: the kernels lost their server; SIGKILL them at once (found by marker, however young).
  recordCleanup(
    keeper,
    log,
    cleanup ?? (await cleanupInstance(id, 0)),
    end.why === "exit" ? "left by an unclean exit" : `after ${end.why}`,
  );
}

/** Log what a cleanup killed and kept, and record the count of detached processes left running. */
function recordCleanup(keeper: StateKeeper, log: pino.Logger, c: Cleanup, when: string): void {
  const kernels = c.killed.filter((p) => p.kind === "kernel").length;
  if (c.killed.length > 0)
    log.warn(
      { killed: c.killed.map(describeProcess), kernels },
      `killed ${kernels} orphaned kernels and ${c.killed.length - kernels} other processes ${when}`,
    );
  if (c.kept.length > 0)
    log.warn(
      { detached: c.kept.map(describeProcess) },
      `left ${c.kept.length} detached processes running (nohup/setsid jobs of the instance)`,
    );
  if (keeper.record.detachedProcesses !== c.kept.length) keeper.update({ detachedProcesses: c.kept.length });
}

/** Watch a Jupyter that is not our child: its exit is seen by polling its identity. */
function adopted(record: StateRecord): WatchedJupyter {
  const identity = record.jupyter as NonNullable<StateRecord["jupyter"]>;
  const exited = (async () => {
    while (!(await waitGone([identity], 3_600_000, 250))) {
      /* keep watching */
    }
    return { code: null, signal: null };
  })();
  return { identity, exited };
}

function giveUp(keeper: StateKeeper, reason: string, cause?: unknown): JlremoteError {
  keeper.update({ state: "failed", reason, jupyter: null });
  const code = cause instanceof JlremoteError ? cause.exitCode : ExitCode.failure;
  return new JlremoteError(reason, code, { cause });
}

async function choosePort(
  options: InstanceOptions,
  previous: number | null,
  host?: string,
  base = 8888,
): Promise<number> {
  const wanted = options.port ?? base;
  if (options.portExplicit) {
    if (!(await isPortFree(wanted, host)))
      throw new JlremoteError(`port ${wanted} is busy; choose another --port or omit it`, ExitCode.usage);
    return wanted;
  }
  if (previous !== null && (await isPortFree(previous, host))) return previous;
  const free = await findFreePort(wanted, 100, host);
  if (free === null) throw new JlremoteError(`no free port from ${wanted} on; pass --port`, ExitCode.failure);
  return free;
}

function initialRecord(ctx: SupervisorContext, options: InstanceOptions): StateRecord {
  const a = ctx.adopt;
  return {
    schema: 1,
    name: options.name,
    state: a ? "running" : "starting",
    host: hostName(),
    supervisor: identify(process.pid),
    jupyter: a?.jupyter ?? null,
    port: a ? a.port : null,
    socket: a ? a.socket : options.sock ? join(ctx.paths.dir, "jupyter.sock") : null,
    instanceId: a?.instanceId ?? ctx.resume?.instanceId ?? randomBytes(16).toString("hex"),
    detachedProcesses: a?.detachedProcesses ?? 0,
    token: a?.token ?? ctx.resume?.token ?? randomBytes(24).toString("hex"),
    app: options.app,
    options,
    baseUrl: a?.baseUrl ?? null,
    listenerVerifiedAt: a?.listenerVerifiedAt ?? null,
    startedAt: a?.startedAt ?? null,
    restarts: a?.restarts ?? 0,
    lastExit: a?.lastExit ?? null,
    reason: null,
    logFile: ctx.paths.logFile,
    jupyterLogFile: ctx.paths.jupyterLogFile,
    version: ctx.version,
    updatedAt: new Date().toISOString(),
    heartbeatAt: null,
    // A supervisor run again inside the same batch job keeps what the job recorded (warning, end time).
    ...(a?.job ? { job: a.job, listenHost: a.listenHost ?? null } : {}),
    keepers: a?.keepers ?? [],
    adoption: a?.adoption ?? null,
  };
}

/**
 * Benchmark only (figure 9, README "Benchmark"): JLREMOTE_BENCH_TICK_MS=N runs the loop's housekeeping turn every N ms
 * and logs the count of turns every 10,000, so months of loop turns fit in minutes; null when unset or invalid.
 */
function benchTick(env: Record<string, string | undefined>): number | null {
  const ms = Number(env.JLREMOTE_BENCH_TICK_MS);
  return env.JLREMOTE_BENCH_TICK_MS !== undefined && Number.isInteger(ms) && ms >= 1 && ms <= 10_000 ? ms : null;
}
