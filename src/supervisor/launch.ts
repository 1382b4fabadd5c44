// One Jupyter launch: its config file (token and settings jlremote owns, kernel adoption, idle culling), then the
// spawn under the kernel keeper; and the loop's housekeeping turn (log cap, heartbeat).
import { join } from "node:path";
import type pino from "pino";
import { jupyterEnv, jupyterOptions } from "../core/jupyter-command.js";
import {
  configFileText,
  deepMerge,
  idleConfig,
  jupyterConfig,
  userConfigNames,
  type JupyterFlavour,
} from "../core/jupyter-config.js";
import { withPrologue } from "../core/jupyter-install.js";
import { hostHeartbeat } from "../core/status-report.js";
import type { InstanceOptions } from "../core/types.js";
import { detectFlavour } from "../io/jupyter-flavour.js";
import { capAppendLog, type RotationPolicy } from "../io/logs.js";
import type { SupervisorContext } from "./context.js";
import type { WatchedJupyter } from "./jupyter-run.js";
import type { KernelKeeping } from "./kernel-keeping.js";
import { labUiExtra } from "./lab-ui.js";
import { writeConfigFile } from "./launch-config.js";
import type { StateWriter } from "./state-writer.js";
import { monotonicMs } from "../io/clock.js";

/** What a launch needs besides the options. */
export interface Launch {
  ctx: Pick<SupervisorContext, "env" | "paths" | "jupyterConfigExtra">;
  writer: StateWriter;
  kernels: KernelKeeping;
  /** The instance's login-cookie secret file (cookie_secret_file). */
  cookieSecretFile: string;
  host: string | undefined;
  logFd: number;
}

/** Jupyter's flavour (version, server), detected once per options (cached in flavour.json). */
export function flavourOf(ctx: SupervisorContext, options: InstanceOptions): Promise<JupyterFlavour> {
  return detectFlavour(
    options.command,
    options.app,
    { ...ctx.env, ...options.env },
    join(ctx.paths.dir, "flavour.json"),
  );
}

/** Write Jupyter's config file and spawn it (under the keeper when there is one). */
export async function launchJupyter(
  l: Launch,
  options: InstanceOptions,
  flavour: JupyterFlavour,
): Promise<WatchedJupyter> {
  const { token, port, socket, instanceId } = l.writer.record;
  const configFile = join(l.ctx.paths.dir, "jupyter-config.py");
  // The token and every setting jlremote owns travel in a 0600 file that beats the user's config files;
  // the kernel-adoption keys (extension, kernels to re-adopt, sessions file) and idle culling are merged in.
  const extra = deepMerge(
    deepMerge(l.ctx.jupyterConfigExtra ?? {}, l.kernels.configExtra()),
    labUiExtra(l.kernels.pythonPath().length > 0, l.ctx.paths.stateFile, options, l.ctx.env),
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
      host: l.host,
      cookieSecretFile: l.cookieSecretFile,
    },
    withIdle,
  );
  const names = userConfigNames(options.app, flavour);
  l.kernels.writeConfig(
    () => writeConfigFile(configFile, configFileText(config, names, l.kernels.pythonPath())),
    configFile,
  );
  // With a prologue, sh runs it and execs Jupyter: same PID and start time, so the identity stays Jupyter's.
  const run = withPrologue(options.prologue, [
    ...options.command,
    ...jupyterOptions({ app: options.app, configFile, extraArgs: options.extraArgs }),
  ]);
  const [file, ...args] = run.argv as [string, ...string[]];
  return l.kernels.spawn(
    file,
    args,
    options.rootDir,
    { ...jupyterEnv({ ...l.ctx.env, ...options.env }, instanceId), ...run.env },
    { fd: l.logFd, file: l.ctx.paths.jupyterLogFile },
  );
}

/** The watch loop's periodic turn: cap Jupyter's log, refresh the heartbeat when nothing else wrote. */
export function housekeeping(
  ctx: Pick<SupervisorContext, "env" | "paths">,
  options: InstanceOptions,
  policy: RotationPolicy,
  writer: StateWriter,
  log: pino.Logger,
): { everyMs: number; run: () => void } {
  const tick = benchTick(ctx.env);
  let turns = 0;
  return {
    everyMs: tick ?? Math.min(10_000, Math.max(100, options.healthIntervalMs)),
    run: () => {
      if (tick !== null && (turns += 1) % 10_000 === 0) log.info({ iterations: turns }, "watch loop");
      if (capAppendLog(ctx.paths.jupyterLogFile, policy))
        log.info({ file: ctx.paths.jupyterLogFile }, "jupyter log rotated");
      if (monotonicMs() - writer.lastWriteAt >= hostHeartbeat.everyMs) writer.update({});
    },
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
