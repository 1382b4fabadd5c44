// Shared data shapes: instance options, the state file record, process identities.
import type { SchedulerName } from "./scheduler-names.js";

/** Which Jupyter front end to run. */
export type JupyterApp = "lab" | "notebook" | "server";

/** Lifecycle states as recorded by the supervisor in state.json. */
export type InstanceState = "starting" | "running" | "restarting" | "failed" | "stopped";

/** What a process was, so a reused PID is never mistaken for ours. */
export interface ProcessIdentity {
  pid: number;
  /** /proc/PID/stat field 22 (clock ticks since boot). */
  startTime: number;
  host: string;
  bootId: string;
}

/** How the last Jupyter process ended. */
export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
  reason?: string;
}

/** The options an instance was started with (kept in state so restart/adopt can reuse them). */
export interface InstanceOptions {
  name: string;
  app: JupyterApp;
  jupyter: string;
  /** The argv prefix that starts the app with this install (`jupyter lab`, `jupyter-lab`, `python -m jupyterlab`). */
  command: string[];
  /** Variables added to Jupyter's environment (config file `env`, expanded). */
  env: Record<string, string>;
  /** Shell snippet run before Jupyter under `sh -c`, which then execs Jupyter (config file `prologue`), or null. */
  prologue: string | null;
  port: number | null;
  portExplicit: boolean;
  rootDir: string;
  extraArgs: string[];
  maxRestarts: number;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  /** Listen on a unix socket in the state dir instead of a TCP port. */
  sock: boolean;
  /** Period of the /api/status health probe while running. */
  healthIntervalMs: number;
  /** Consecutive failed probes before a hung Jupyter is restarted. */
  healthRetries: number;
  /** Size at which supervisor.log and jupyter.log are rotated (absent in older records: the default). */
  logMaxBytes?: number;
  /** Rotated files kept of each log (`.1` … `.N`). */
  logKeep?: number;
  /** Set when the supervisor is the main step of a batch job (`start --scheduler NAME`). */
  scheduler?: SchedulerName;
  /** `--idle-timeout MINUTES`: Jupyter culls idle kernels, then shuts itself down; that ends the instance. */
  idleTimeoutMin?: number;
}

/** What the supervisor of a batch job records about it (a scheduler's backend, through its `InJob` hooks). */
export interface JobRuntime {
  id: string;
  node: string;
  /** The job's end by its time limit (from the scheduler, once), or null when unlimited or not known yet. */
  endsAt: string | null;
  /** When the walltime warning signal (USR1) arrived. */
  warningAt: string | null;
  /** Why the supervisor was ended ("time limit", or the scheduler's own words), or null. */
  endReason: string | null;
}

/** The state.json record (schema 1). Written only by the supervisor while it lives. */
export interface StateRecord {
  schema: 1;
  name: string;
  state: InstanceState;
  host: string;
  supervisor: ProcessIdentity | null;
  jupyter: ProcessIdentity | null;
  port: number | null;
  /** Unix socket path in socket mode (then port is null). */
  socket: string | null;
  /** The marker (JLREMOTE_INSTANCE) in Jupyter's environment and every descendant's: random, not the token. */
  instanceId: string;
  /** Deliberately detached processes of the instance left running at the last cleanup (nohup/setsid jobs). */
  detachedProcesses: number;
  /** Refreshed by a live supervisor (its heartbeat period: `hostHeartbeat`, or a scheduler's `inJob.heartbeat`): a record elsewhere blocks the name only while recent. */
  heartbeatAt: string | null;
  token: string;
  app: JupyterApp;
  /** Jupyter's base_url as its runtime info file says ("/" by default); null before the first ready. */
  baseUrl?: string | null;
  /** When the listener was last verified to be this Jupyter's (ISO time); null while not verified. */
  listenerVerifiedAt?: string | null;
  options: InstanceOptions;
  startedAt: string | null;
  restarts: number;
  /** Restarts asked for with SIGUSR2 (`jlremote restart`) that this supervisor took; absent before 5 Dec 2026. */
  reloads?: number;
  lastExit: ExitRecord | null;
  reason: string | null;
  logFile: string;
  jupyterLogFile: string;
  version: string;
  updatedAt: string;
  /** The address Jupyter listens on when it is not 127.0.0.1 (a compute node's cluster-facing address). */
  listenHost?: string | null;
  /** Set when the supervisor runs as a batch job. */
  job?: JobRuntime | null;
  /** Child subreapers (python/jlremote_keeper.py) holding this instance's processes: this supervisor's, and earlier ones'. */
  keepers?: ProcessIdentity[];
  /** Whether kernels survive a Jupyter restart, and which were re-adopted at the last one. */
  adoption?: AdoptionRecord | null;
  /** The last time the token and cookie secret were replaced while the instance lived (its TCP port had to move). */
  credentialsRotated?: CredentialsRotation | null;
}

/** Why the token and the cookie secret were replaced: the old URL and login cookies open nothing any more. */
export interface CredentialsRotation {
  at: string;
  reason: string;
}

/** Kernel survival as last seen: does the running Jupyter re-adopt kernels, and what happened at the last restart. */
export interface AdoptionRecord {
  supported: boolean;
  /** Why kernels do not survive (null when they do). */
  reason: string | null;
  /** When the last restart's adoption happened (null: no restart yet). */
  at: string | null;
  adopted: { id: string; pid: number }[];
  failed: { id: string; pid: number; reason: string }[];
}
