// The backend interface: how an instance runs (detached, systemd, or a scheduler's batch job). Commands pick one per
// instance (backends/registry.ts) and never branch on its kind; a scheduler adds one (src/backends/scheduler.ts).
import type { RawStartOptions } from "../core/instance-options.js";
import { EARLY_TARGET_ENV } from "../core/early-target.js";
import { parkForNodeStart } from "../core/node-startup-env.js";
import { LISTEN_DEFAULT_ENV, type ForwardTarget } from "../core/ssh-command.js";
import type { BackendKind } from "../core/scheduler-names.js";
import type { CommandContext } from "../context.js";
import type { InstanceObserver, InstanceView } from "../instance/view.js";

export type { BackendKind } from "../core/scheduler-names.js";
export type { Observed } from "../instance/view.js";

/** Set (to 1) by jllocal on the remote start it runs with a held stdin: EOF there means jllocal ended (Ctrl-C). */
export const CANCEL_ON_EOF = "JLREMOTE_CANCEL_ON_EOF";

/**
 * The environment a scheduler exports into the job (sbatch, qsub -V): the caller's, without what belongs to this start
 * only (jllocal's cancel-on-EOF and listen flags) and without the caller's instance marker (a start from another
 * instance's terminal must not tag the job's processes as that instance's, or its cleanup would kill them), and with
 * NODE_EXTRA_CA_CERTS parked for the supervisor's node start (core/node-startup-env.ts).
 */
export function jobEnvironment(env: Record<string, string | undefined>): Record<string, string | undefined> {
  // Node's start-time-costly variables are parked for the job's supervisor, which puts them back for Jupyter.
  return parkForNodeStart({
    ...env,
    [CANCEL_ON_EOF]: undefined,
    [LISTEN_DEFAULT_ENV]: undefined,
    [EARLY_TARGET_ENV]: undefined,
    JLREMOTE_INSTANCE: undefined,
  });
}

/** start's flags: the instance options plus what backends read (the scheduler ones only matter to a scheduler). */
export interface StartFlags extends RawStartOptions {
  json: boolean;
  /** Forget the remembered options first (`start --reset`). */
  reset?: boolean;
  /** A named set of options from the config file's `profiles` (applied by the start command). */
  profile?: string;
  /** `--scheduler NAME` submits a batch job; `none` runs here; unset: what the instance recorded. */
  scheduler?: string;
  /** Extra options for the scheduler's submit command, one shell-like string (`-p gpu -t 4:00:00`). */
  sbatch?: string;
  /** Extra qsub options for a Grid Engine job, one shell-like string (`-l h_rt=4:00:00 -q gpu.q`). */
  qsub?: string;
  /** Return right after submission. */
  noWait?: boolean;
  /** Seconds before the time limit at which the scheduler sends the walltime warning signal. */
  timeWarning?: unknown;
  /** Let the scheduler requeue the job (preemption, node failure); the instance follows it with the same token. */
  requeue?: boolean;
}

/** What a backend's actions receive: the command's context plus what only the registry can answer. */
export interface BackendContext extends CommandContext {
  /** The registered scheduler names (what validates `--scheduler` and the config file's profiles). */
  schedulerNames: readonly string[];
  /** The named instance now, through whichever backend the registry picks for it (as `status` sees it). */
  inspect(name: string): InstanceView;
  /** Forget every scheduler's record of an ended job of the instance (`start --scheduler none` takes it back here). */
  forgetEndedJobs(name: string): void;
  /** Told once, while Jupyter starts, where it will listen (jllocal's early forward); unset: nobody asks. */
  onListening?: (target: ForwardTarget) => void;
}

/** One way of running an instance. */
export interface Backend extends InstanceObserver {
  readonly kind: BackendKind;
  /** Start (or find) the instance; resolves once Jupyter answers (or, for a queued job with --no-wait, at once). */
  start(flags: StartFlags, ctx: BackendContext): Promise<InstanceView>;
  /** Stop it and everything it started; returns the one-line note for stderr. */
  stop(view: InstanceView, ctx: BackendContext): Promise<string>;
  /** Restart Jupyter with the same URL, or start the instance again from its recorded options. */
  restart(view: InstanceView, ctx: BackendContext): Promise<InstanceView>;
  /** Ask the backend's authority (the scheduler) at most once, only when the files cannot answer; else `view` as is. */
  settle(view: InstanceView, ctx: BackendContext): Promise<InstanceView>;
}
