// Shapes the status report (status --json, list, url) from the state record and what the PID checks found.
import { ExitCode } from "./errors.js";
import { appPath, jupyterUrl } from "./jupyter-command.js";
import type { Settings } from "./settings.js";
import type { ExitRecord, JupyterApp, StateRecord } from "./types.js";

/** Reported states: the recorded ones plus `unsupervised` (supervisor gone, Jupyter alive). */
export type ReportedState = StateRecord["state"] | "unsupervised";

/** The status object printed by `status --json` (schema 1). */
export interface StatusReport {
  schema: 1;
  name: string;
  state: ReportedState;
  host: string;
  /** True when the state was written on another host: its PIDs can't be checked from here. */
  elsewhere: boolean;
  supervisorPid: number | null;
  jupyterPid: number | null;
  port: number | null;
  socket: string | null;
  token: string | null;
  url: string | null;
  app: JupyterApp | null;
  startedAt: string | null;
  restarts: number;
  lastExit: ExitRecord | null;
  reason: string | null;
  logFile: string | null;
  jupyterLogFile: string | null;
  /** `systemd` when the instance is installed as a systemd user service on this host (`jlremote service install`). */
  managedBy: ManagedBy;
  version: string;
  /** The remembered settings (options of the last explicit start or service install), or null; never the token. */
  settings?: Settings | null;
}

/** Who starts and stops the instance's supervisor. */
export type ManagedBy = "jlremote" | "systemd";

/** What the caller observed about the recorded processes (on this host). */
export interface Liveness {
  supervisorAlive: boolean;
  jupyterAlive: boolean;
}

/** Build the report; `record` null means never started (or state unreadable). */
export function buildStatus(
  name: string,
  record: StateRecord | null,
  live: Liveness,
  here: { host: string; version: string; managedBy?: ManagedBy },
): StatusReport {
  const managedBy = here.managedBy ?? "jlremote";
  if (record === null) {
    return {
      schema: 1, name, state: "stopped", host: here.host, elsewhere: false, supervisorPid: null, jupyterPid: null,
      port: null, socket: null, token: null, url: null, app: null, startedAt: null, restarts: 0, lastExit: null,
      reason: null, logFile: null, jupyterLogFile: null, managedBy, version: here.version,
    };
  }
  const elsewhere = record.host !== here.host;
  const state = elsewhere ? record.state : deriveState(record, live);
  const reason =
    !elsewhere && state === "failed" && record.state !== "failed"
      ? "the supervisor is gone and Jupyter with it (killed?); see the logs, then run `jlremote start`"
      : record.reason;
  const live_ = state === "running" || state === "unsupervised" || state === "restarting" || state === "starting";
  return {
    schema: 1,
    name: record.name,
    state,
    host: record.host,
    elsewhere,
    supervisorPid: record.supervisor?.pid ?? null,
    jupyterPid: record.jupyter?.pid ?? null,
    port: record.port,
    socket: record.socket ?? null,
    token: live_ ? record.token : null,
    url: !live_ ? null : record.socket ? socketUrl(record.app, record.socket, record.token) : record.port !== null ? jupyterUrl(record.app, record.port, record.token) : null,
    app: record.app,
    startedAt: record.startedAt,
    restarts: record.restarts,
    lastExit: record.lastExit,
    reason,
    logFile: record.logFile,
    jupyterLogFile: record.jupyterLogFile,
    managedBy,
    version: record.version,
  };
}

/** The state as seen now on this host: a recorded live state needs a live supervisor. */
export function deriveState(record: StateRecord, live: Liveness): ReportedState {
  if (record.state === "stopped" || record.state === "failed") return record.state;
  if (live.supervisorAlive) return record.state;
  return live.jupyterAlive ? "unsupervised" : "failed";
}

/** Exit code of `status`/`url`: 0 only when Jupyter is running and answering. */
export function statusExitCode(report: StatusReport): ExitCode {
  if (report.elsewhere) return ExitCode.elsewhere;
  return report.state === "running" || report.state === "unsupervised" ? ExitCode.ok : ExitCode.notRunning;
}

/** The http+unix URL Jupyter itself prints for a socket (the path percent-encoded as the host). */
export function socketUrl(app: JupyterApp, socket: string, token: string): string {
  return `http+unix://${encodeURIComponent(socket)}${appPath(app)}?token=${token}`;
}
