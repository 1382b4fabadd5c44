// The backend interface: how an instance runs (detached, systemd, slurm). Commands pick one per instance
// (backends/choose.ts) and never branch on its kind; a new scheduler is one new folder implementing this.
import type { RawStartOptions } from "../core/instance-options.js";
import type { StatusReport } from "../core/status-report.js";
import type { StateRecord } from "../core/types.js";
import type { CommandContext } from "../commands/context.js";
import type { InstanceView } from "../commands/instance-status.js";

/** The kinds of backend. */
export type BackendKind = "detached" | "systemd" | "slurm";

/** start's flags: the instance options plus what backends read (the scheduler ones only matter to slurm). */
export interface StartFlags extends RawStartOptions {
  json: boolean;
  /** Forget the remembered options first (`start --reset`). */
  reset?: boolean;
  /** A named set of options from the config file's `profiles` (applied by the start command). */
  profile?: string;
  /** `--scheduler slurm` submits a batch job; `none` runs here; unset: what the instance recorded. */
  scheduler?: string;
  /** Extra sbatch options, one shell-like string (`-p gpu -t 4:00:00`). */
  sbatch?: string;
  /** Return right after submission. */
  noWait?: boolean;
  /** Seconds before the time limit at which Slurm sends the warning signal. */
  timeWarning?: unknown;
  /** Let Slurm requeue the job (preemption, node failure); the instance follows it with the same token. */
  requeue?: boolean;
}

/** What the PID (or heartbeat) checks found for a record, as inspect() needs it. */
export interface Observed {
  supervisorAlive: boolean;
  jupyterAlive: boolean;
  /** Whether a record from another host means "elsewhere" (false for a job on a compute node). */
  hostBound: boolean;
}

/** One way of running an instance. */
export interface Backend {
  readonly kind: BackendKind;
  /** Start (or find) the instance; resolves once Jupyter answers (or, for a queued job with --no-wait, at once). */
  start(flags: StartFlags, ctx: CommandContext): Promise<InstanceView>;
  /** Stop it and everything it started; returns the one-line note for stderr. */
  stop(view: InstanceView, ctx: CommandContext): Promise<string>;
  /** Restart Jupyter with the same URL, or start the instance again from its recorded options. */
  restart(view: InstanceView, ctx: CommandContext): Promise<InstanceView>;
  /** Are the recorded supervisor and Jupyter alive? (No scheduler call.) */
  observe(record: StateRecord, env: Record<string, string | undefined>): Observed;
  /** The status report with what this backend adds (backend, and for a job: jobId, jobState, node, time left…). */
  details(base: StatusReport, record: StateRecord | null, env: Record<string, string | undefined>): StatusReport;
  /** Ask the backend's authority (the scheduler) at most once, only when the files cannot answer; else `view` as is. */
  settle(view: InstanceView, ctx: CommandContext): Promise<InstanceView>;
}
