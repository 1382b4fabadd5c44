// `jlremote doctor [--json]`: observe this machine (io/doctor-observe), judge it (core/doctor-*), print; exit 1 on a problem.
import { checkSystemd, checkLauncher } from "../core/doctor-access.js";
import {
  checkConfig,
  checkFilesystem,
  checkJupyter,
  checkNode,
  checkPort,
  checkStateDir,
} from "../core/doctor-checks.js";
import { expandEnv, expandTilde, layerSettings } from "../core/settings.js";
import { doctorReport, renderDoctorText } from "../core/doctor-report.js";
import { checkRuntime } from "../core/doctor-runtime.js";
import { ExitCode } from "../core/errors.js";
import {
  observeConfig,
  observeFilesystem,
  observeJupyter,
  observeLauncher,
  observeStateDir,
} from "../io/doctor-observe.js";
import { instancePaths } from "../io/paths.js";
import { peekRemembered, readRemoteConfig } from "../io/settings-file.js";
import { schedulerNames } from "../backends/registry.js";
import { currentBundle } from "../io/launcher-file.js";
import { homeDir, stateRoot } from "../io/paths.js";
import { findFreePort } from "../io/ports.js";
import { probeSystemd } from "../io/systemd-probe.js";
import type { CommandContext } from "../context.js";

/** doctor's flags. */
export interface DoctorFlags {
  json: boolean;
  /** The jupyter to check (like start's --jupyter); default: the instance's setting, else `jupyter`. */
  jupyter: string | undefined;
  /** The instance whose settings (config file, remembered) say which jupyter, env and prologue. */
  name: string;
}

const PREFERRED_PORT = 8888;
const PORT_SPAN = 100;

/** Run every check; exit 0 when none is a problem, 1 otherwise. */
export async function doctorCommand(flags: DoctorFlags, ctx: CommandContext): Promise<ExitCode> {
  const root = stateRoot(ctx.env);
  const home = homeDir(ctx.env);
  const config = observeConfig(ctx.env, schedulerNames);
  const s = instanceSettings(flags.name, ctx.env, config.error === null);
  const [jupyter, free, systemd, launcher] = await Promise.all([
    observeJupyter(
      flags.jupyter ?? expandTilde(s.jupyter ?? "jupyter", home),
      { ...ctx.env, ...expandEnv(s.env ?? {}, ctx.env, home) },
      ctx.cwd,
      s.prologue?.trim() ? s.prologue : null,
    ),
    findFreePort(PREFERRED_PORT, PORT_SPAN),
    probeSystemd(ctx.env),
    observeLauncher(ctx.env, home, currentBundle(ctx.self), ctx.version),
  ]);
  const report = doctorReport([
    checkNode(process.versions.node, process.execPath),
    checkRuntime(glibcVersion(), process.execPath, home),
    checkJupyter(jupyter),
    checkStateDir(observeStateDir(root)),
    checkFilesystem(observeFilesystem(root)),
    checkPort({ preferred: PREFERRED_PORT, free, span: PORT_SPAN }),
    checkSystemd(systemd),
    checkLauncher(launcher),
    checkConfig(config),
  ]);
  if (flags.json) ctx.out(JSON.stringify(report));
  else for (const line of renderDoctorText(report)) ctx.out(line);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}

/** The glibc this node runs on (process.report's header), null when there is none. */
function glibcVersion(): string | null {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ?? null;
}

/** jupyter, env and prologue as start would take them (no command line); defaults only when the config is invalid. */
function instanceSettings(name: string, env: Record<string, string | undefined>, configOk: boolean) {
  const config = configOk
    ? readRemoteConfig(env, schedulerNames).config
    : { defaults: {}, instances: {} as Record<string, object> };
  let remembered = {};
  try {
    remembered = peekRemembered(instancePaths(env, name).dir) ?? {};
  } catch {
    /* invalid name: defaults */
  }
  return layerSettings(
    [config.defaults, config.instances[name] ?? {}, remembered].map((values) => ({
      source: "config file" as const,
      where: null,
      values,
    })),
  ).values;
}
