// Validates raw start/run options into InstanceOptions and turns them back into `run` argv for the daemon.
import { usageError } from "./errors.js";
import type { InstanceOptions, JupyterApp } from "./types.js";

/** Raw start/run options as parsed from argv. */
export interface RawStartOptions {
  name: string;
  app: string;
  jupyter: string;
  port?: unknown;
  rootDir?: string;
  maxRestarts: unknown;
  timeout: unknown;
  stopTimeout: unknown;
  sock?: boolean;
  healthInterval?: unknown;
  healthRetries?: unknown;
  logMaxSize?: unknown;
  logKeep?: unknown;
  extraArgs: string[];
}

/** Defaults of the health probe: a Jupyter blocked on a stalled filesystem gets ~4 minutes before it is restarted. */
export const healthDefaults = { intervalSec: 30, retries: 8 } as const;
/** Default log rotation: 10 MB per file, 3 rotated files kept. */
export const logDefaults = { maxSizeMb: 10, keep: 3 } as const;
/** Upper bound of every duration option (1 day; timers overflow at 2^31 ms ≈ 24.8 days). */
export const maxDurationSec = 86_400;

/** Parse a port value: an integer from 1 to 65535. */
export function parsePort(raw: unknown): number {
  const text = String(raw);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw usageError(`--port ${text}: expected a port number from 1 to 65535`);
  }
  return n;
}

/** Parse a positive number of seconds (or count) for option `flag`, at most `max`. */
export function parsePositive(flag: string, raw: unknown, integer = false, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)) || String(raw).trim() === "" || n > max) {
    throw usageError(`--${flag} ${String(raw)}: expected a ${integer ? "whole number" : "number"} from 0 to ${max}`);
  }
  return n;
}

/** Parse a duration option in seconds: a number from `min` to one day. */
export function parseSeconds(flag: string, raw: unknown, min = 0): number {
  const n = parsePositive(flag, raw, false, maxDurationSec);
  if (n < min) throw usageError(`--${flag} ${String(raw)}: expected at least ${min} seconds`);
  return n;
}

/** Validate the app choice (auto is resolved later, with the filesystem). */
export function parseApp(raw: string): JupyterApp | "auto" {
  if (raw === "auto" || raw === "lab" || raw === "notebook" || raw === "server") return raw;
  throw usageError(`--app ${raw}: expected auto, lab, notebook or server`);
}

/** Everything but the filesystem-dependent parts (jupyter path, app auto, root dir), validated. */
export function validateStartOptions(raw: RawStartOptions): Omit<InstanceOptions, "app" | "jupyter" | "rootDir"> & { app: JupyterApp | "auto" } {
  const port = raw.port === undefined ? null : parsePort(raw.port);
  const v = {
    name: raw.name,
    app: parseApp(raw.app),
    port,
    portExplicit: port !== null,
    extraArgs: raw.extraArgs,
    maxRestarts: parsePositive("max-restarts", raw.maxRestarts, true, 1_000_000),
    readyTimeoutMs: parseSeconds("timeout", raw.timeout) * 1000,
    stopTimeoutMs: parseSeconds("stop-timeout", raw.stopTimeout) * 1000,
    sock: raw.sock === true,
    // Down to 1 ms, so the watch loop can be run fast (memory checks over 100,000 iterations).
    healthIntervalMs: parseSeconds("health-interval", raw.healthInterval ?? healthDefaults.intervalSec, 0.001) * 1000,
    healthRetries: Math.max(1, parsePositive("health-retries", raw.healthRetries ?? healthDefaults.retries, true, 1_000_000)),
    logMaxBytes: Math.round(parsePositive("log-max-size", raw.logMaxSize ?? logDefaults.maxSizeMb, false, 1_000_000) * 1024 * 1024),
    logKeep: parsePositive("log-keep", raw.logKeep ?? logDefaults.keep, true, 100),
  };
  if (v.sock && v.portExplicit) throw usageError("--sock and --port exclude each other: a socket instance has no TCP port");
  if (v.logMaxBytes < 4096) throw usageError(`--log-max-size ${String(raw.logMaxSize)}: expected at least 0.004 (MB)`);
  return v;
}

/** The `run` argv (after the CLI prefix) that reproduces these options in the detached supervisor. */
export function runArgv(o: InstanceOptions, daemon: boolean): string[] {
  const argv = ["run", "--name", o.name, "--app", o.app, "--jupyter", o.jupyter, "--root-dir", o.rootDir,
    "--max-restarts", String(o.maxRestarts), "--timeout", String(o.readyTimeoutMs / 1000),
    "--stop-timeout", String(o.stopTimeoutMs / 1000), "--health-interval", String(o.healthIntervalMs / 1000),
    "--health-retries", String(o.healthRetries)];
  if (o.logMaxBytes !== undefined) argv.push("--log-max-size", String(o.logMaxBytes / 1024 / 1024));
  if (o.logKeep !== undefined) argv.push("--log-keep", String(o.logKeep));
  if (o.sock) argv.push("--sock");
  if (o.portExplicit && o.port !== null) argv.push("--port", String(o.port));
  if (daemon) argv.push("--daemon-child");
  if (o.extraArgs.length > 0) argv.push("--", ...o.extraArgs);
  return argv;
}
