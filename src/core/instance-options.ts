// Validates raw start/run options into InstanceOptions and turns them back into `run` argv for the daemon.
import { usageError } from "./errors.js";
import { defaultSettings, layerSettings, parseCliSettings, type Settings } from "./settings.js";
import type { InstanceOptions, JupyterApp } from "./types.js";
import { parseSchedulerChoice, type SchedulerName } from "./scheduler-names.js";

/** Raw start/run options as parsed from argv (absent: not given on the command line). */
export interface RawStartOptions {
  name: string;
  app?: string;
  jupyter?: string;
  port?: unknown;
  rootDir?: string;
  maxRestarts?: unknown;
  timeout?: unknown;
  stopTimeout?: unknown;
  sock?: boolean;
  healthInterval?: unknown;
  healthRetries?: unknown;
  logMaxSize?: unknown;
  logKeep?: unknown;
  extraArgs?: string[];
  /** A registered scheduler's name: run as a batch job (run: this supervisor is one); `none` or unset: here. */
  scheduler?: string;
  idleTimeout?: unknown;
}

/** Default log rotation (MB per file, rotated files kept), from the built-in settings. */
export const logDefaults = {
  maxSizeMb: defaultSettings.logMaxSize as number,
  keep: defaultSettings.logKeep as number,
} as const;
/** Upper bound of every duration option (1 day; timers overflow at 2^31 ms ≈ 24.8 days). */
export const maxDurationSec = 86_400;

/** Parse a port value: an integer from 1 to 65535. */
export function parsePort(raw: unknown): number {
  return parseCliSettings({ port: raw }).port as number;
}

/** The options that need no filesystem, from effective settings (defaults filled in), with the cross-checks. */
export type PlainOptions = Omit<InstanceOptions, "app" | "jupyter" | "rootDir" | "command" | "env" | "prologue"> & {
  app: JupyterApp | "auto";
};

/** Everything but the filesystem-dependent parts, from effective settings. */
export function finalizeSettings(name: string, s: Settings): PlainOptions {
  const d = defaultSettings as Required<Settings>;
  const port = s.port ?? null;
  const v = {
    name,
    app: s.app ?? d.app,
    port,
    portExplicit: port !== null,
    extraArgs: s.extraArgs ?? d.extraArgs,
    maxRestarts: s.maxRestarts ?? d.maxRestarts,
    readyTimeoutMs: (s.timeout ?? d.timeout) * 1000,
    stopTimeoutMs: (s.stopTimeout ?? d.stopTimeout) * 1000,
    sock: s.sock ?? d.sock,
    healthIntervalMs: (s.healthInterval ?? d.healthInterval) * 1000,
    healthRetries: Math.max(1, s.healthRetries ?? d.healthRetries),
    logMaxBytes: Math.round((s.logMaxSize ?? d.logMaxSize) * 1024 * 1024),
    logKeep: s.logKeep ?? d.logKeep,
    ...(s.idleTimeout !== undefined && s.idleTimeout !== 0 ? { idleTimeoutMin: s.idleTimeout } : {}),
  };
  if (v.sock && v.portExplicit)
    throw usageError(
      "--sock and --port exclude each other: a socket instance has no TCP port (`jlremote start --reset` forgets a remembered one)",
    );
  return v;
}

/** The scheduler a start or run asks for: a `known` name, or nothing for `none`/unset; else a usage error. */
export function schedulerOf(
  raw: Pick<RawStartOptions, "scheduler">,
  known: readonly string[],
): { scheduler?: SchedulerName } {
  const s = parseSchedulerChoice(raw.scheduler, known);
  return s === undefined || s === "none" ? {} : { scheduler: s };
}

/** The command-line options alone, validated, over the defaults (what a service instance checks). */
export function validateStartOptions(raw: RawStartOptions, known: readonly string[]): PlainOptions {
  const scheduler = schedulerOf(raw, known);
  return {
    ...finalizeSettings(
      raw.name,
      layerSettings([
        { source: "default", where: null, values: defaultSettings },
        { source: "command line", where: null, values: parseCliSettings({ ...raw }) },
      ]).values,
    ),
    ...scheduler,
  };
}

/** The `run` argv (after the CLI prefix) that reproduces these options in a foreground supervisor (systemd). */
export function runArgv(o: InstanceOptions, daemon: boolean): string[] {
  const argv = [
    "run",
    "--name",
    o.name,
    "--app",
    o.app,
    "--jupyter",
    o.jupyter,
    "--root-dir",
    o.rootDir,
    "--max-restarts",
    String(o.maxRestarts),
    "--timeout",
    String(o.readyTimeoutMs / 1000),
    "--stop-timeout",
    String(o.stopTimeoutMs / 1000),
    "--health-interval",
    String(o.healthIntervalMs / 1000),
    "--health-retries",
    String(o.healthRetries),
  ];
  if (o.logMaxBytes !== undefined) argv.push("--log-max-size", String(o.logMaxBytes / 1024 / 1024));
  if (o.logKeep !== undefined) argv.push("--log-keep", String(o.logKeep));
  if (o.sock) argv.push("--sock");
  if (o.scheduler) argv.push("--scheduler", o.scheduler);
  if (o.idleTimeoutMin) argv.push("--idle-timeout", String(o.idleTimeoutMin));
  if (o.portExplicit && o.port !== null) argv.push("--port", String(o.port));
  if (daemon) argv.push("--daemon-child");
  if (o.extraArgs.length > 0) argv.push("--", ...o.extraArgs);
  return argv;
}

/** Would these options run Jupyter differently from the recorded ones (what `start` on a running instance notes)? */
export function differs(running: Partial<InstanceOptions>, wanted: InstanceOptions): boolean {
  const pick = (o: Partial<InstanceOptions>) =>
    JSON.stringify([
      o.app,
      o.command ?? [o.jupyter, o.app],
      o.rootDir,
      o.sock,
      o.portExplicit ? o.port : null,
      o.extraArgs,
      o.env ?? {},
      o.prologue ?? null,
      o.maxRestarts,
      o.readyTimeoutMs,
      o.stopTimeoutMs,
      o.healthIntervalMs,
      o.healthRetries,
      o.idleTimeoutMin ?? null,
    ]);
  return pick(running) !== pick(wanted);
}
