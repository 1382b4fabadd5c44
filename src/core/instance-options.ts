// Validates raw start/run options into InstanceOptions and turns them back into `run` argv for the daemon.
import { usageError } from "./errors.js";
import { defaultSettings, layerSettings, parseCliSettings, type Settings } from "./settings.js";
import type { InstanceOptions, JupyterApp } from "./types.js";

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
  extraArgs?: string[];
}

/** Parse a port value: an integer from 1 to 65535. */
export function parsePort(raw: unknown): number {
  return parseCliSettings({ port: raw }).port as number;
}

/** Parse a positive number of seconds (or count) for option `flag`. */
export function parsePositive(flag: string, raw: unknown, integer = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)) || String(raw).trim() === "") {
    throw usageError(`--${flag} ${String(raw)}: expected a ${integer ? "whole number" : "number"} >= 0`);
  }
  return n;
}

/** Validate the app choice (auto is resolved later, with the filesystem). */
export function parseApp(raw: string): JupyterApp | "auto" {
  return parseCliSettings({ app: raw }).app as JupyterApp | "auto";
}

/** The options that need no filesystem, from effective settings (defaults filled in), with the cross-checks. */
export type PlainOptions = Omit<InstanceOptions, "app" | "jupyter" | "rootDir" | "command" | "env" | "prologue"> & { app: JupyterApp | "auto" };

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
  };
  if (v.sock && v.portExplicit) throw usageError("--sock and --port exclude each other: a socket instance has no TCP port (`jlremote start --reset` forgets a remembered one)");
  return v;
}

/** The command-line options alone, validated, over the defaults (what a service instance checks). */
export function validateStartOptions(raw: RawStartOptions): PlainOptions {
  return finalizeSettings(raw.name, layerSettings([{ source: "default", where: null, values: defaultSettings }, { source: "command line", where: null, values: parseCliSettings({ ...raw }) }]).values);
}

/** The `run` argv (after the CLI prefix) that reproduces these options in a foreground supervisor (systemd). */
export function runArgv(o: InstanceOptions, daemon: boolean): string[] {
  const argv = ["run", "--name", o.name, "--app", o.app, "--jupyter", o.jupyter, "--root-dir", o.rootDir,
    "--max-restarts", String(o.maxRestarts), "--timeout", String(o.readyTimeoutMs / 1000),
    "--stop-timeout", String(o.stopTimeoutMs / 1000), "--health-interval", String(o.healthIntervalMs / 1000),
    "--health-retries", String(o.healthRetries)];
  if (o.sock) argv.push("--sock");
  if (o.portExplicit && o.port !== null) argv.push("--port", String(o.port));
  if (daemon) argv.push("--daemon-child");
  if (o.extraArgs.length > 0) argv.push("--", ...o.extraArgs);
  return argv;
}
