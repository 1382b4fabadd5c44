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
  extraArgs: string[];
  /** `slurm`: run as a batch job (run: this supervisor is one); `none` or unset: here. */
  scheduler?: string;
  idleTimeout?: unknown;
}

/** Parse a port value: an integer from 1 to 65535. */
export function parsePort(raw: unknown): number {
  const text = String(raw);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw usageError(`--port ${text}: expected a port number from 1 to 65535`);
  }
  return n;
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
    maxRestarts: parsePositive("max-restarts", raw.maxRestarts, true),
    readyTimeoutMs: parsePositive("timeout", raw.timeout) * 1000,
    stopTimeoutMs: parsePositive("stop-timeout", raw.stopTimeout) * 1000,
    sock: raw.sock === true,
    healthIntervalMs: parsePositive("health-interval", raw.healthInterval ?? 30) * 1000,
    healthRetries: Math.max(1, parsePositive("health-retries", raw.healthRetries ?? 3, true)),
    ...(raw.scheduler === "slurm" ? { scheduler: "slurm" as const } : {}),
    ...(raw.idleTimeout !== undefined && Number(raw.idleTimeout) !== 0 ? { idleTimeoutMin: parsePositive("idle-timeout", raw.idleTimeout) } : {}),
  };
  if (raw.scheduler !== undefined && raw.scheduler !== "slurm" && raw.scheduler !== "none") throw usageError(`--scheduler ${raw.scheduler}: expected slurm or none`);
  if (v.sock && v.portExplicit) throw usageError("--sock and --port exclude each other: a socket instance has no TCP port");
  if (v.healthIntervalMs < 100) throw usageError(`--health-interval ${String(raw.healthInterval)}: expected at least 0.1 seconds`);
  return v;
}

/** The `run` argv (after the CLI prefix) that reproduces these options in the detached supervisor. */
export function runArgv(o: InstanceOptions, daemon: boolean): string[] {
  const argv = ["run", "--name", o.name, "--app", o.app, "--jupyter", o.jupyter, "--root-dir", o.rootDir,
    "--max-restarts", String(o.maxRestarts), "--timeout", String(o.readyTimeoutMs / 1000),
    "--stop-timeout", String(o.stopTimeoutMs / 1000), "--health-interval", String(o.healthIntervalMs / 1000),
    "--health-retries", String(o.healthRetries)];
  if (o.sock) argv.push("--sock");
  if (o.scheduler) argv.push("--scheduler", o.scheduler);
  if (o.idleTimeoutMin) argv.push("--idle-timeout", String(o.idleTimeoutMin));
  if (o.portExplicit && o.port !== null) argv.push("--port", String(o.port));
  if (daemon) argv.push("--daemon-child");
  if (o.extraArgs.length > 0) argv.push("--", ...o.extraArgs);
  return argv;
}
