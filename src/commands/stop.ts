// `jlremote stop` and `jlremote restart`: signal the supervisor (or clean up an unsupervised or crashed instance
// under the start lock) and wait.
import { ExitCode, JlremoteError, fsErrorText } from "../core/errors.js";
import { unitName } from "../core/systemd-unit.js";
import type { ProcessIdentity, StateRecord } from "../core/types.js";
import { describeProcess } from "../io/instance-processes.js";
import { acquireLock } from "../io/lock.js";
import { hostName, isAlive } from "../io/process-identity.js";
import { signalOne, waitGone } from "../io/process-tree.js";
import { readState, writeState } from "../io/state-file.js";
import { cleanupInstance, stopJupyterTree, type Cleanup } from "../supervisor/shutdown.js";
import type { CommandContext, NameOption } from "./context.js";
import { inspect, type InstanceView } from "./instance-status.js";
import { ensureStarted } from "./start.js";
import { resolveStart } from "./start-options.js";
import { startService, stopService } from "./systemd-instance.js";

/** What a stop did besides stopping the supervisor and Jupyter. */
export interface StopOutcome {
  /** Processes killed by the stop itself (orphans of a crashed instance); a live supervisor's own cleanup is not counted. */
  killed: number;
  /** Detached processes left running, as described by the cleanup or recorded by the supervisor. */
  detached: string[] | number;
}

/** Stop the instance and every process of its tree; exit 0 also when nothing was running. */
export async function stopCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  let view = inspect(ctx.env, flags.name, ctx.version);
  refuseElsewhere(view);
  const wasRunning = view.supervisorAlive || view.jupyterAlive;
  const systemd = view.report.managedBy === "systemd";
  if (systemd) {
    // Always through systemd, also when nothing runs: a unit waiting to restart a failed supervisor stops too.
    await stopService(ctx, flags.name);
    view = inspect(ctx.env, flags.name, ctx.version);
  }
  // Anything still alive (a `jlremote run` by hand, an unsupervised Jupyter) or left by a crash is stopped here.
  const out = await stopInstance(view, ctx);
  const extra = [
    out.killed > 0 ? `killed ${out.killed} orphaned kernel process(es)` : "",
    detachedNote(out.detached),
  ].filter(Boolean).join("; ");
  const head = systemd
    ? wasRunning ? `stopped '${flags.name}' (systemctl --user stop ${unitName(flags.name)})` : `instance '${flags.name}' is not running (${view.report.state}); ${unitName(flags.name)} is stopped`
    : wasRunning ? `stopped '${flags.name}'` : `instance '${flags.name}' is not running (${view.report.state})`;
  ctx.err(`jlremote: ${head}${extra ? `; ${extra}` : ""}`);
  return ExitCode.ok;
}

function detachedNote(d: string[] | number): string {
  const n = typeof d === "number" ? d : d.length;
  if (n === 0) return "";
  const list = typeof d === "number" ? "" : `: ${d.join(", ")}`;
  return `left ${n} detached process(es) running (nohup/setsid jobs; see \`jlremote logs\`)${list}`;
}

/** Stop an instance: SIGTERM to a live supervisor (it stops the tree); else, under the start lock, do it here. */
export async function stopInstance(view: InstanceView, ctx: Pick<CommandContext, "err">): Promise<StopOutcome> {
  const record = view.record;
  if (record === null) return { killed: 0, detached: 0 };
  const grace = record.options.stopTimeoutMs;
  if (view.supervisorAlive && record.supervisor) {
    signalOne(record.supervisor, "SIGTERM");
    if (await waitGone([record.supervisor], grace + 10_000)) {
      const after = readState(view.paths.stateFile);
      return { killed: 0, detached: after.kind === "ok" ? (after.record.detachedProcesses ?? 0) : 0 };
    }
    signalOne(record.supervisor, "SIGKILL");
  }
  if (record.host !== hostName()) return { killed: 0, detached: 0 };
  const release = await acquireLock(view.paths.lockFile, 30_000, (e) => ctx.err(`warning: start lock compromised: ${e.message}`));
  try {
    const now = readState(view.paths.stateFile);
    // A start that claimed the instance meanwhile owns it now: neither its processes nor its record are touched.
    if (now.kind !== "ok" || !sameClaim(now.record, record)) return { killed: 0, detached: 0 };
    const id = record.instanceId ?? null;
    let cleanup: Cleanup;
    if (record.jupyter && isAlive(record.jupyter)) {
      const jupyter = record.jupyter;
      cleanup = await stopJupyterTree(jupyter, waitGone([jupyter], grace + 5000), id, grace);
    } else {
      // Supervisor and Jupyter died uncleanly: their kernels (found by marker, identity-checked) lost their server.
      cleanup = await cleanupInstance(id, 0);
    }
    const unchanged = now.record.state === "stopped" && cleanup.killed.length === 0 && cleanup.kept.length === (now.record.detachedProcesses ?? 0);
    try {
      if (!unchanged) writeState(view.paths.stateFile, { ...now.record, state: "stopped", jupyter: null, detachedProcesses: cleanup.kept.length, updatedAt: new Date().toISOString() });
    } catch (err) {
      ctx.err(`warning: could not record the stop: ${fsErrorText(err, view.paths.stateFile)}`);
    }
    return { killed: record.jupyter && view.jupyterAlive ? 0 : cleanup.killed.length, detached: cleanup.kept.map(describeProcess) };
  } finally {
    await release();
  }
}

function sameClaim(a: StateRecord, b: StateRecord): boolean {
  return a.instanceId === b.instanceId && sameId(a.supervisor, b.supervisor);
}

function sameId(a: ProcessIdentity | null, b: ProcessIdentity | null): boolean {
  return a === b || (a !== null && b !== null && a.pid === b.pid && a.startTime === b.startTime && a.host === b.host);
}

/** Restart Jupyter (same port and token) under a live supervisor, or start the instance again from its options. */
export async function restartCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const view = inspect(ctx.env, flags.name, ctx.version);
  refuseElsewhere(view);
  if (view.record === null) throw new JlremoteError(`instance '${flags.name}' was never started; use \`jlremote start --name ${flags.name}\``, ExitCode.notRunning);
  const before = view.record.jupyter?.pid;
  // The settings as they are now (remembered, config file; root dir: the recorded one unless set), validated before
  // anything is signalled: a bad setting stops nothing.
  const options = view.report.managedBy === "systemd" ? null : (await resolveStart({ name: flags.name }, ctx, { defaultRootDir: view.record.options.rootDir })).options;
  if (view.supervisorAlive && view.record.supervisor && view.report.state !== "stopped") {
    signalOne(view.record.supervisor, "SIGUSR2");
    const deadline = performance.now() + view.record.options.stopTimeoutMs + view.record.options.readyTimeoutMs + 5000;
    for (;;) {
      const now = inspect(ctx.env, flags.name, ctx.version);
      if (now.report.state === "running" && now.report.jupyterPid !== null && now.report.jupyterPid !== before) { ctx.out(now.report.url ?? ""); return ExitCode.ok; }
      if (!now.supervisorAlive || now.report.state === "failed") throw new JlremoteError(`restart failed: ${now.report.reason ?? now.report.state}; see \`jlremote logs --name ${flags.name}\``);
      if (performance.now() > deadline) throw new JlremoteError("restart did not finish in time; see `jlremote logs`");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (view.jupyterAlive) await stopInstance(view, ctx);
  const started = view.report.managedBy === "systemd" ? await startService(ctx, flags.name) : await ensureStarted(options ?? view.record.options, ctx);
  ctx.out(started.report.url ?? "");
  return ExitCode.ok;
}

function refuseElsewhere(view: InstanceView): void {
  if (view.report.elsewhere) {
    throw new JlremoteError(`instance '${view.report.name}' runs on host ${view.report.host}, not here; run jlremote on ${view.report.host}`, ExitCode.elsewhere);
  }
}
