// `jlremote stop` and `jlremote restart`: signal the supervisor (or clean up an unsupervised Jupyter) and wait.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { unitName } from "../core/systemd-unit.js";
import type { StateRecord } from "../core/types.js";
import { isAlive } from "../io/process-identity.js";
import { descendants, signalOne, waitGone } from "../io/process-tree.js";
import { writeState } from "../io/state-file.js";
import { killOrphans, stopJupyterTree } from "../supervisor/shutdown.js";
import type { CommandContext, NameOption } from "./context.js";
import { inspect, type InstanceView } from "./instance-status.js";
import { ensureStarted } from "./start.js";
import { resolveStart } from "./start-options.js";
import { startService, stopService } from "./systemd-instance.js";

/** Stop the instance and every process of its tree; exit 0 also when nothing was running. */
export async function stopCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  let view = inspect(ctx.env, flags.name, ctx.version);
  refuseElsewhere(view);
  if (view.report.managedBy === "systemd") {
    const wasRunning = view.supervisorAlive || view.jupyterAlive;
    // Always through systemd, also when nothing runs: a unit waiting to restart a failed supervisor stops too.
    await stopService(ctx, flags.name);
    view = inspect(ctx.env, flags.name, ctx.version);
    // Anything still alive was not started by systemd (a `jlremote run` by hand): stop it the usual way.
    if (view.supervisorAlive || view.jupyterAlive) await stopInstance(view);
    ctx.err(wasRunning ? `jlremote: stopped '${flags.name}' (systemctl --user stop ${unitName(flags.name)})` : `jlremote: instance '${flags.name}' is not running (${view.report.state}); ${unitName(flags.name)} is stopped`);
    return ExitCode.ok;
  }
  if (!view.supervisorAlive && !view.jupyterAlive) {
    // Supervisor and Jupyter died uncleanly: kernels they left (identity-checked, never a reused PID) go too.
    const orphans = view.record && !view.report.elsewhere ? await killOrphans(view.record.children ?? []) : 0;
    ctx.err(`jlremote: instance '${flags.name}' is not running (${view.report.state})${orphans > 0 ? `; killed ${orphans} orphaned kernel process(es)` : ""}`);
    return ExitCode.ok;
  }
  await stopInstance(view);
  ctx.err(`jlremote: stopped '${flags.name}'`);
  return ExitCode.ok;
}

/** Stop a live instance: SIGTERM to the supervisor (it stops the tree), with a SIGKILL fallback. */
export async function stopInstance(view: InstanceView): Promise<void> {
  const record = view.record as StateRecord;
  const grace = record.options.stopTimeoutMs;
  // For the fallback only: a live supervisor has its own snapshot (record.children); walking /proc now would delay stop.
  const tree = view.supervisorAlive ? record.children : record.jupyter && isAlive(record.jupyter) ? descendants(record.jupyter.pid) : [];
  if (view.supervisorAlive && record.supervisor) {
    signalOne(record.supervisor, "SIGTERM");
    if (await waitGone([record.supervisor], grace + 5000)) return;
    signalOne(record.supervisor, "SIGKILL");
  }
  // No (working) supervisor: stop Jupyter's tree ourselves and record it.
  if (record.jupyter && isAlive(record.jupyter)) {
    const jupyter = record.jupyter;
    await stopJupyterTree(jupyter, waitGone([jupyter], grace + 5000), tree, grace);
  } else {
    // Jupyter died with the supervisor: its kernels (identity-checked) may still hold memory and GPUs.
    await killOrphans(tree);
  }
  writeState(view.paths.stateFile, { ...record, state: "stopped", jupyter: null, updatedAt: new Date().toISOString() });
}

/** Restart Jupyter (same port and token) under a live supervisor, or start the instance again from its options. */
export async function restartCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const view = inspect(ctx.env, flags.name, ctx.version);
  refuseElsewhere(view);
  if (view.record === null) throw new JlremoteError(`instance '${flags.name}' was never started; use \`jlremote start --name ${flags.name}\``, ExitCode.notRunning);
  const before = view.record.jupyter?.pid;
  if (view.supervisorAlive && view.record.supervisor && view.report.state !== "stopped") {
    signalOne(view.record.supervisor, "SIGUSR2");
    const deadline = Date.now() + view.record.options.stopTimeoutMs + view.record.options.readyTimeoutMs + 5000;
    for (;;) {
      const now = inspect(ctx.env, flags.name, ctx.version);
      if (now.report.state === "running" && now.report.jupyterPid !== null && now.report.jupyterPid !== before) { ctx.out(now.report.url ?? ""); return ExitCode.ok; }
      if (!now.supervisorAlive || now.report.state === "failed") throw new JlremoteError(`restart failed: ${now.report.reason ?? now.report.state}; see \`jlremote logs --name ${flags.name}\``);
      if (Date.now() > deadline) throw new JlremoteError("restart did not finish in time; see `jlremote logs`");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (view.jupyterAlive) await stopInstance(view);
  // The settings as they are now (remembered, config file); the root dir defaults to the recorded one.
  const started = view.report.managedBy === "systemd" ? await startService(ctx, flags.name)
    : await ensureStarted((await resolveStart({ name: flags.name }, ctx, { defaultRootDir: view.record.options.rootDir })).options, ctx);
  ctx.out(started.report.url ?? "");
  return ExitCode.ok;
}

function refuseElsewhere(view: InstanceView): void {
  if (view.report.elsewhere) {
    throw new JlremoteError(`instance '${view.report.name}' runs on host ${view.report.host}, not here; run jlremote on ${view.report.host}`, ExitCode.elsewhere);
  }
}
