// `jlremote service install`: write the unit template and the instance's drop-in, enable and start it, print the URL.
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { runArgv } from "../core/instance-options.js";
import { lingerAdvice } from "../core/linger.js";
import { quoteExec, renderDropIn, renderTemplate, unitName } from "../core/systemd-unit.js";
import type { InstanceOptions } from "../core/types.js";
import { stateRoot } from "../io/paths.js";
import { isPortFree } from "../io/ports.js";
import { hostName } from "../io/process-identity.js";
import { installedHost, readIfExists, removeServiceFiles, servicePaths, writeUnitFile } from "../io/service-files.js";
import { checkManager, firstLine, lingerOf, loginName, systemctl, unitProperties } from "../io/systemctl.js";
import type { CommandContext } from "../context.js";
import { backendContext, inspect, schedulerNames } from "../backends/registry.js";
import { absoluteSupervisorArgv } from "../io/supervisor-argv.js";
import type { StartFlags } from "./start.js";
import { resolveStart } from "../instance/start-options.js";
import { writeRemembered } from "../io/settings-file.js";
import { mergeRemembered } from "../core/settings.js";
import { ensurePrivateDir } from "../io/state-file.js";
import { inUnit, startService } from "../backends/systemd/service-control.js";

/** Variables copied into the unit when set, so the service finds the same Jupyter, kernels and tools as this shell. */
const passedEnv = [
  "PATH",
  "LANG",
  "JUPYTER_CONFIG_DIR",
  "JUPYTER_DATA_DIR",
  "JUPYTER_RUNTIME_DIR",
  "JUPYTER_PATH",
  "JUPYTER_CONFIG_PATH",
  "IPYTHONDIR",
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "PYTHONPATH",
  "LD_LIBRARY_PATH",
];

/** Install (or update) the instance as a systemd user service and start it; prints its URL. */
export async function serviceInstallCommand(flags: StartFlags, ctx: CommandContext): Promise<ExitCode> {
  const resolved = await resolveStart(flags, { ...ctx, schedulerNames });
  const options = resolved.options;
  // Before asking systemd: on a shared home another login node's service is never taken over.
  const owner = installedHost(ctx.env, options.name);
  if (owner !== null && owner !== hostName()) {
    throw new JlremoteError(
      `'${options.name}' is installed as a service for host ${owner} (a shared home); ` +
        `install another --name here, or \`jlremote service uninstall --name ${options.name}\` on ${owner} first`,
      ExitCode.elsewhere,
    );
  }
  const manager = await checkManager(ctx.env);
  if (!manager.ok) {
    throw new JlremoteError(
      `no systemd user manager here (${manager.why}); nothing installed. ` +
        `\`jlremote start\` runs Jupyter detached without systemd: it survives logout, but not a reboot`,
      ExitCode.failure,
    );
  }
  const view = inspect(ctx.env, options.name, ctx.version);
  if (view.report.elsewhere)
    throw new JlremoteError(
      `instance '${options.name}' runs on host ${view.report.host}; install the service there`,
      ExitCode.elsewhere,
    );
  const livePid = view.supervisorAlive
    ? view.record?.supervisor?.pid
    : view.jupyterAlive
      ? view.record?.jupyter?.pid
      : undefined;
  if (livePid !== undefined && !inUnit(livePid, options.name)) {
    throw new JlremoteError(
      `instance '${options.name}' already runs detached (pid ${livePid}, started by \`jlremote start\`); ` +
        `\`jlremote stop --name ${options.name}\` first (that stops its kernels), then install the service`,
      ExitCode.failure,
    );
  }
  if (livePid === undefined && options.portExplicit && options.port !== null && !(await isPortFree(options.port))) {
    throw new JlremoteError(`port ${options.port} is busy; choose another --port or omit it`, ExitCode.usage);
  }
  const paths = servicePaths(ctx.env, options.name);
  const unit = unitName(options.name);
  const files = renderServiceFiles(options, ctx);
  const previous = readIfExists(paths.dropIn);
  const changed = previous !== files.dropIn;
  writeUnitFile(paths.template, files.template);
  writeUnitFile(paths.dropIn, files.dropIn);
  ctx.err(`wrote ${paths.template} and ${paths.dropIn}`);
  let running;
  try {
    await ctl(["daemon-reload"], ctx);
    const seen = await unitProperties(unit, ["LoadState", "DropInPaths"], ctx.env);
    if (
      seen?.LoadState !== "loaded" ||
      !(seen.DropInPaths ?? "").split(" ").some((p) => real(p) === real(paths.dropIn))
    ) {
      throw new JlremoteError(
        `the systemd user manager does not see ${paths.dropIn} (LoadState=${seen?.LoadState ?? "?"}); ` +
          `does it read ${paths.unitDir}? (its XDG_CONFIG_HOME may differ from this shell's: \`systemctl --user show-environment\`)`,
      );
    }
    await ctl(["enable", unit], ctx);
    if (livePid !== undefined && changed) {
      ctx.err(
        `note: '${options.name}' keeps running with its old options (restarting would stop its kernels); ` +
          `\`jlremote stop --name ${options.name}\` then \`jlremote start --name ${options.name}\` applies the new ones`,
      );
    }
    running = await startService(
      backendContext(ctx),
      options.name,
      options.readyTimeoutMs + options.stopTimeoutMs + 15_000,
    );
  } catch (err) {
    // A running service is never stopped here (its kernels); otherwise leave nothing half-installed,
    // since a service that cannot start would be retried at every login.
    if (livePid !== undefined) throw err;
    const stopMs = options.stopTimeoutMs + 40_000;
    // A reinstall that fails puts the previous (working) settings back instead of removing the service.
    if (previous === null) {
      await systemctl(["disable", "--now", unit], ctx.env, stopMs);
      removeServiceFiles(paths);
    } else {
      await systemctl(["stop", unit], ctx.env, stopMs);
      writeUnitFile(paths.dropIn, previous);
    }
    await systemctl(["daemon-reload"], ctx.env);
    await systemctl(["reset-failed", unit], ctx.env);
    const undone =
      previous === null ? "the service was removed again" : "the previous service settings were put back (stopped)";
    if (err instanceof JlremoteError)
      throw new JlremoteError(`${err.message}; ${undone}`, err.exitCode, { detail: err.detail });
    throw err;
  }
  // Like an explicit start, the installed options become the instance's remembered settings.
  ensurePrivateDir(running.paths.dir, ctx.err);
  writeRemembered(running.paths.dir, mergeRemembered(resolved.remembered, resolved.cli));
  ctx.out(flags.json ? JSON.stringify(running.report) : (running.report.url ?? ""));
  ctx.err(`'${options.name}' runs as ${unit} (enabled: starts with your user manager)`);
  const user = loginName(ctx.env);
  for (const line of lingerAdvice(await lingerOf(user, ctx.env), user)) ctx.err(line);
  return ExitCode.ok;
}

/** The template and this instance's drop-in, pointing at this node and bundle by absolute path. */
export function renderServiceFiles(
  options: InstanceOptions,
  ctx: Pick<CommandContext, "env" | "cwd" | "self">,
): { template: string; dropIn: string } {
  const self = absoluteSupervisorArgv(ctx.self, ctx.cwd);
  return {
    template: renderTemplate(quoteExec(self)),
    dropIn: renderDropIn({
      execArgv: [...self, ...runArgv(options, false)],
      environment: serviceEnv(ctx.env),
      host: hostName(),
      stopTimeoutSec: options.stopTimeoutMs / 1000,
    }),
  };
}

/** The environment the supervisor gets under systemd: our state dir, plus the passed variables that are set. */
function serviceEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of passedEnv) {
    const v = env[k];
    if (v) out[k] = v;
  }
  out.XDG_STATE_HOME = dirname(stateRoot(env));
  return out;
}

/** A path with symlinks resolved (a home reached through a symlink is the same home). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

async function ctl(args: string[], ctx: CommandContext): Promise<void> {
  const r = await systemctl(args, ctx.env, 30_000);
  if (r.code !== 0)
    throw new JlremoteError(
      `systemctl --user ${args.join(" ")} failed: ${firstLine(r.stderr) || `exit ${r.code}`}`,
      ExitCode.failure,
    );
}
