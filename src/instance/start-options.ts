// Effective instance options: defaults < config file < remembered < command line, then the jupyter lookup and app detection.
import { finalizeSettings, schedulerOf, type RawStartOptions } from "../core/instance-options.js";
import { commandFor, pickApp, type JupyterInstall } from "../core/jupyter-install.js";
import {
  defaultSettings,
  expandEnv,
  expandTilde,
  layerSettings,
  parseCliSettings,
  type SettingKey,
  type SettingOrigin,
  type Settings,
  type SettingsLayer,
} from "../core/settings.js";
import { ExitCode, JlremoteError, usageError } from "../core/errors.js";
import { LISTEN_DEFAULT_ENV } from "../core/ssh-command.js";
import type { InstanceOptions } from "../core/types.js";
import { isSchedulerName } from "../core/scheduler-names.js";
import { detectInstall } from "../io/jupyter-detect.js";
import { homeDir, instancePaths, resolveRootDir, validateName } from "../io/paths.js";
import { readRemembered, readRemoteConfig } from "../io/settings-file.js";
import type { CommandContext } from "../context.js";

/** Options and how they came about. */
export interface ResolvedStart {
  options: InstanceOptions;
  /** What the command line gave (validated; paths absolute): what an explicit start remembers. */
  cli: Settings;
  /** What was remembered before this command. */
  remembered: Settings;
  /** Effective settings and the origin of each. */
  values: Settings;
  from: Partial<Record<SettingKey, SettingOrigin>>;
  install: JupyterInstall;
  configFile: string;
}

/** What resolving reads: the environment, the cwd, and the registered scheduler names (src/backends/registry.ts). */
export type ResolveContext = Pick<CommandContext, "env" | "cwd"> & { schedulerNames: readonly string[] };

/** How to resolve: `reset` ignores remembered settings; `rootDir` replaces the cwd as the default root dir. */
export interface ResolveMode {
  reset?: boolean;
  defaultRootDir?: string;
}

/** Validate and complete the options; throws a usage error for bad input before anything is started. */
export async function resolveStart(
  raw: RawStartOptions,
  ctx: ResolveContext,
  mode: ResolveMode = {},
): Promise<ResolvedStart> {
  validateName(raw.name);
  const home = homeDir(ctx.env);
  const tilde = (p: string) => expandTilde(p, home);
  const scheduler = schedulerOf(raw, ctx.schedulerNames);
  const cli = parseCliSettings({ ...raw });
  const { file, config } = readRemoteConfig(ctx.env, ctx.schedulerNames);
  const remembered = mode.reset ? {} : readRemembered(instancePaths(ctx.env, raw.name).dir);
  // jllocal's start: the private unix socket unless a layer above picks a TCP port (or this is a batch job).
  const socketFirst = ctx.env[LISTEN_DEFAULT_ENV] === "sock" && scheduler.scheduler === undefined;
  const layers: SettingsLayer[] = [
    { source: "default", where: null, values: socketFirst ? { ...defaultSettings, sock: true } : defaultSettings },
    { source: "config file", where: `${file} (defaults)`, values: config.defaults },
    { source: "config file", where: `${file} (instances.${raw.name})`, values: config.instances[raw.name] ?? {} },
    { source: "remembered", where: instancePaths(ctx.env, raw.name).dir, values: remembered },
    { source: "command line", where: null, values: cli },
  ];
  const { values, from } = layerSettings(layers);
  const plain = finalizeSettings(raw.name, values);
  const env = expandEnv(values.env ?? {}, ctx.env, home);
  const runEnv = { ...ctx.env, ...env };
  const rootDir = await saying(from.rootDir, raw.name, () =>
    resolveRootDir(values.rootDir === undefined ? undefined : tilde(values.rootDir), mode.defaultRootDir ?? ctx.cwd),
  );
  const prologue = values.prologue?.trim() ? values.prologue : null;
  const { install } = await saying(from.jupyter, raw.name, () =>
    detectDefault(tilde(values.jupyter ?? "jupyter"), from.jupyter?.source === "default", runEnv, ctx.cwd, prologue),
  );
  const app = plain.app === "auto" ? pickApp(install) : plain.app;
  const command = commandFor(install, app);
  if (cli.rootDir !== undefined) cli.rootDir = rootDir;
  // An explicitly given jupyter is remembered by absolute path: a later bare-PATH ssh start finds the same one.
  if (cli.jupyter !== undefined) cli.jupyter = install.path;
  const options: InstanceOptions = {
    ...plain,
    ...scheduler,
    app,
    jupyter: install.path,
    command,
    env,
    prologue,
    rootDir,
  };
  return { options, cli, remembered, values, from, install, configFile: file };
}

/** Run `f`; a usage error about a remembered or configured value says where the value came from and how to change it. */
async function saying<T>(origin: SettingOrigin | undefined, name: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (!(err instanceof JlremoteError) || err.exitCode !== ExitCode.usage || origin === undefined) throw err;
    const whence =
      origin.source === "remembered"
        ? `remembered from an earlier start; \`jlremote start --name ${name} --reset\` forgets it`
        : origin.source === "config file"
          ? `from ${origin.where ?? "the config file"}`
          : null;
    if (whence === null) throw err;
    throw new JlremoteError(`${err.message} (${whence})`, err.exitCode, { cause: err });
  }
}

/** The default `jupyter` falls back to a lone jupyter-lab/-notebook/-server on PATH (a pipx or uv tool install). */
async function detectDefault(
  jupyter: string,
  isDefault: boolean,
  env: Record<string, string | undefined>,
  cwd: string,
  prologue: string | null,
) {
  try {
    return await detectInstall(jupyter, env, cwd, prologue);
  } catch (err) {
    if (!isDefault) throw err;
    for (const alt of ["jupyter-lab", "jupyter-notebook", "jupyter-server"]) {
      try {
        return await detectInstall(alt, env, cwd, prologue);
      } catch {
        /* next */
      }
    }
    throw err;
  }
}

/** Compatibility: the options alone. */
export async function resolveStartOptions(
  raw: RawStartOptions,
  ctx: ResolveContext,
  mode: ResolveMode = {},
): Promise<InstanceOptions> {
  return (await resolveStart(raw, ctx, mode)).options;
}

/** Options recorded in state.json, put through the same validation as command-line options before they are reused. */
export async function recordedOptions(recorded: unknown, ctx: ResolveContext): Promise<InstanceOptions> {
  const o = (typeof recorded === "object" && recorded !== null ? recorded : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === "string" ? v : String(v));
  const seconds = (v: unknown): unknown => (typeof v === "number" ? v / 1000 : v);
  try {
    if (!Array.isArray(o.extraArgs) || !o.extraArgs.every((a) => typeof a === "string"))
      throw usageError("extra arguments: expected a list of strings");
    if (typeof o.rootDir !== "string" || !o.rootDir.startsWith("/"))
      throw usageError(`--root-dir ${str(o.rootDir)}: expected an absolute path`);
    const { options } = await resolveStart(
      {
        name: str(o.name),
        app: str(o.app),
        jupyter: str(o.jupyter),
        port: o.portExplicit === true ? o.port : undefined,
        rootDir: o.rootDir,
        maxRestarts: o.maxRestarts,
        timeout: seconds(o.readyTimeoutMs),
        stopTimeout: seconds(o.stopTimeoutMs),
        sock: o.sock === true,
        healthInterval: seconds(o.healthIntervalMs),
        healthRetries: o.healthRetries,
        extraArgs: o.extraArgs as string[],
        logMaxSize: typeof o.logMaxBytes === "number" ? o.logMaxBytes / 1024 / 1024 : undefined,
        logKeep: o.logKeep,
        scheduler: isSchedulerName(o.scheduler, ctx.schedulerNames) ? o.scheduler : undefined,
        idleTimeout: o.idleTimeoutMin,
      },
      ctx,
      { reset: true },
    );
    // The recorded environment additions and prologue belong to the running Jupyter, whatever the config says now.
    const env = o.env !== null && typeof o.env === "object" ? (o.env as Record<string, string>) : options.env;
    return {
      ...options,
      env,
      prologue: typeof o.prologue === "string" ? o.prologue : o.prologue === null ? null : options.prologue,
    };
  } catch (err) {
    throw new JlremoteError(
      `the options recorded in state.json are not valid (${(err as Error).message}); start it again with \`jlremote start\` and your options`,
      ExitCode.usage,
      { cause: err },
    );
  }
}
