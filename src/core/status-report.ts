// Shapes the status report (status --json, list, url) from the state record and what the PID checks found.
import { ExitCode } from "./errors.js";
import { appPath, jupyterUrl } from "./jupyter-command.js";
import type { BackendKind, SchedulerName } from "./scheduler-names.js";
import type { Settings } from "./settings.js";
import type { AdoptionRecord, ExitRecord, JupyterApp, StateRecord } from "./types.js";
import { type BrowserUi, browserUi } from "./lab-ui.js";

/** Reported states: the recorded ones plus `unsupervised` (supervisor gone, Jupyter alive) and `pending` (a queued batch job). */
export type ReportedState = StateRecord["state"] | "unsupervised" | "pending";

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
  /** Jupyter's base_url ("/" unless the user's config sets one); the URL and every probe use it. */
  baseUrl: string;
  /** When the supervisor verified that the TCP listener (or the socket file) is this Jupyter's; null: not verified. */
  listenerVerifiedAt: string | null;
  startedAt: string | null;
  restarts: number;
  lastExit: ExitRecord | null;
  reason: string | null;
  logFile: string | null;
  jupyterLogFile: string | null;
  /** `systemd` when the instance is installed as a systemd user service on this host (`jlremote service install`). */
  managedBy: ManagedBy;
  /** Detached processes (nohup/setsid jobs) of the instance left running at its last cleanup. */
  detachedProcesses: number;
  /** Do kernels survive a Jupyter crash, hang or restart, and which were re-adopted at the last one (null: not known yet). */
  kernelAdoption: AdoptionRecord | null;
  /** jlremote's JupyterLab extension (status bar, walltime and crash notices): available or why not (null: not known yet). */
  browserUi: BrowserUi | null;
  version: string;
  /** How the instance runs: detached, systemd or a scheduler's name (set by its backend). */
  backend?: BackendKind;
  /** A batch job only: the job and what the scheduler (or the supervisor's heartbeat) says about it (`withJob`). */
  job?: JobStatus;
  /** Schema 1: the batch job's facts at top level too (the same values as in `job`). */
  jobId?: string | null;
  jobState?: string | null;
  jobReason?: string | null;
  node?: string | null;
  endsAt?: string | null;
  secondsLeft?: number | null;
  /** A pending job's start as the scheduler estimates it (backfill, --begin), or null when it has none. */
  expectedStartAt?: string | null;
  /** The address Jupyter listens on when not 127.0.0.1 (a batch job's node): jllocal forwards there. */
  listenHost?: string | null;
  /** When the supervisor got the walltime warning signal. */
  walltimeWarningAt?: string | null;
  /** Why the job ended (time limit, cancelled, out of memory, node failure, preempted, failed with exit code). */
  endReason?: string | null;
  /** The remembered settings (options of the last explicit start or service install), or null; never the token. */
  settings?: Settings | null;
}

/** A batch job as status --json reports it (nested under `job`; schema 1 repeats the fields at top level). */
export interface JobStatus {
  scheduler: SchedulerName;
  id: string | null;
  state: string | null;
  reason: string | null;
  node: string | null;
  endsAt: string | null;
  secondsLeft: number | null;
  expectedStartAt: string | null;
  walltimeWarningAt: string | null;
  endReason: string | null;
}

/** Pure: the report with its `job` object built from the top-level job fields a scheduler's backend set. */
export function withJob(report: StatusReport, scheduler: SchedulerName): StatusReport {
  const job: JobStatus = {
    scheduler,
    id: report.jobId ?? null,
    state: report.jobState ?? null,
    reason: report.jobReason ?? null,
    node: report.node ?? null,
    endsAt: report.endsAt ?? null,
    secondsLeft: report.secondsLeft ?? null,
    expectedStartAt: report.expectedStartAt ?? null,
    walltimeWarningAt: report.walltimeWarningAt ?? null,
    endReason: report.endReason ?? null,
  };
  return { ...report, job };
}

/** A supervisor's heartbeat: how often it refreshes `heartbeatAt` in state.json, and when a reader counts it gone. */
export interface Heartbeat {
  everyMs: number;
  staleMs: number;
}

/** A supervisor on a host; a record of another host blocks the name only while fresh (missed beats, clock skew). */
export const hostHeartbeat: Heartbeat = { everyMs: 60_000, staleMs: 5 * 60_000 };

/** Is `record`'s heartbeat (or, before the first beat, its last write) younger than `staleMs`? */
export function heartbeatFresh(record: StateRecord | null, now: number, staleMs: number): boolean {
  const at = Date.parse(record?.heartbeatAt ?? record?.updatedAt ?? "");
  return Number.isFinite(at) && now - at < staleMs;
}

/** Does a record written on another host describe a live instance (live state and a recent heartbeat)? */
export function liveElsewhere(record: StateRecord, now: number): boolean {
  if (record.state === "stopped" || record.state === "failed") return false;
  return heartbeatFresh(record, now, hostHeartbeat.staleMs);
}

/** Who starts and stops the instance's supervisor. */
export type ManagedBy = "jlremote" | "systemd" | SchedulerName;

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
  here: { host: string; version: string; managedBy?: ManagedBy; now: number },
): StatusReport {
  const managedBy = here.managedBy ?? "jlremote";
  if (record === null) {
    return {
      schema: 1,
      name,
      state: "stopped",
      host: here.host,
      elsewhere: false,
      supervisorPid: null,
      jupyterPid: null,
      port: null,
      socket: null,
      token: null,
      url: null,
      app: null,
      baseUrl: "/",
      listenerVerifiedAt: null,
      startedAt: null,
      restarts: 0,
      lastExit: null,
      reason: null,
      logFile: null,
      jupyterLogFile: null,
      managedBy,
      detachedProcesses: 0,
      kernelAdoption: null,
      browserUi: null,
      version: here.version,
    };
  }
  const otherHost = record.host !== here.host;
  const elsewhere = otherHost && liveElsewhere(record, here.now);
  // A stopped, failed or silent record of another host does not block the name here: it is reported as not running.
  const state = elsewhere
    ? record.state
    : otherHost
      ? record.state === "stopped"
        ? "stopped"
        : "failed"
      : deriveState(record, live);
  const reason =
    otherHost && !elsewhere
      ? `last run on host ${record.host} (${record.state}${record.state === "stopped" || record.state === "failed" ? "" : `, no heartbeat since ${record.heartbeatAt ?? record.updatedAt}`}); \`jlremote start\` here takes it over`
      : !elsewhere && state === "failed" && record.state !== "failed"
        ? "the supervisor is gone and Jupyter with it (killed?); see the logs, then run `jlremote start`"
        : record.reason;
  const live_ = state === "running" || state === "unsupervised" || state === "restarting" || state === "starting";
  const baseUrl = record.baseUrl ?? "/";
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
    url: !live_
      ? null
      : record.socket
        ? socketUrl(record.app, record.socket, record.token, baseUrl)
        : record.port !== null
          ? jupyterUrl(record.app, record.port, record.token, record.listenHost ?? "127.0.0.1", baseUrl)
          : null,
    app: record.app,
    baseUrl,
    listenerVerifiedAt: live_ ? (record.listenerVerifiedAt ?? null) : null,
    startedAt: record.startedAt,
    restarts: record.restarts,
    lastExit: record.lastExit,
    reason,
    logFile: record.logFile,
    jupyterLogFile: record.jupyterLogFile,
    managedBy,
    detachedProcesses: record.detachedProcesses ?? 0,
    kernelAdoption: record.adoption ?? null,
    browserUi: browserUi(record.app, record.adoption),
    version: record.version,
  };
}

/** The state as seen now on this host: a recorded live state needs a live supervisor. */
function deriveState(record: StateRecord, live: Liveness): ReportedState {
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
function socketUrl(app: JupyterApp, socket: string, token: string, baseUrl = "/"): string {
  return `http+unix://${encodeURIComponent(socket)}${appPath(app, baseUrl)}?token=${token}`;
}
