// The scheduler contract: everything job-specific about running an instance as a batch job, in one object per
// scheduler. Generic code (commands, the supervisor, status) reaches a scheduler only through this; a scheduler's
// commands and environment variables (its submit command, its job-id variable, ...) stay inside its folder.
//
// Adding a scheduler is one folder plus one line (modelled on an existing scheduler's folder under src/backends/):
//   1. src/backends/NAME/ implementing `Scheduler` and exporting it from NAME/index.ts; its start, its wait for
//      Jupyter, its job file and script skeleton come from src/backends/batch-job/ through one `BatchJobKind`;
//   2. `NAME: { jobs: nameJobs, scheduler: () => nameScheduler }` in `registered` of src/backends/registry.ts (with
//      its imports: its job file and its scheduler, which the bundle initialises on demand): the only place outside
//      its folder that names it. `--scheduler` and profiles accept the registry's names, the help lists them, and
//      "expected ..., NAME or none" names it (core's validators take the names as a parameter).
// Nothing else changes: `--scheduler NAME`, profiles, status, stop, restart, logs and jllocal follow.
//
// Who calls what:
//   - start/stop/restart/status/list (commands) call `backend` (the Backend of backend.ts):
//       backend.start    = validate, submit (unless a job of the instance is queued or running), wait for Jupyter;
//                          the job runs `jlremote run ... --scheduler NAME` (runArgv) as its main step;
//       backend.stop     = ask the supervisor to stop (a signal through the scheduler), cancel, confirm the end;
//       backend.restart  = signal a live supervisor (SIGUSR2: same port and token), else submit the recorded job;
//       backend.settle   = at most one scheduler query when the files cannot answer (a queued job);
//       backend.observe  = liveness from the job file and the supervisor's heartbeat (no scheduler call);
//       backend.details  = the status fields this scheduler adds: `backend`, the nested `job` object and,
//                          for status --json schema 1, the same facts at top level (jobId, jobState, ...);
//                          build them with core/status-report.ts `withJob`.
//     The scheduler's own submit, query and cancel commands and its state map (job state -> pending, running, ended,
//     and the end's reason) are private to its folder (e.g. NAME-commands.ts, job-state.ts).
//   - the registry tells an instance that recorded a job of this scheduler by its job file (`jobs.path`), and has
//     `jobs.forgetEnded` forget an ended one when `start --scheduler none` takes the instance back to a host;
//   - `jlremote run` (commands/run.ts) passes `inJob` to supervise() when the options name this scheduler; the
//     supervisor (supervisor/job-mode.ts) then uses only these hooks.
import type { Heartbeat } from "../core/status-report.js";
import type { SchedulerName } from "../core/scheduler-names.js";
import type { Backend } from "./backend.js";

/** What the supervisor needs inside a job, when it is the job's main step. */
export interface InJob {
  /** This process's job id from the environment the scheduler gives its jobs; null outside one of its jobs. */
  jobId(env: Record<string, string | undefined>): string | null;
  /** The first port a job tries: spread by job id, so jobs sharing a node rarely race for one port. */
  portBase(jobId: string | null): number;
  /** The address Jupyter listens on: where the login node reaches this node (the token guards it). */
  listenAddress(): Promise<string>;
  /** How often the supervisor refreshes `heartbeatAt`, and the age at which a reader counts it gone. */
  heartbeat: Heartbeat;
  /** The signal the scheduler sends some time before the walltime limit (recorded as `walltimeWarningAt`). */
  warningSignal: NodeJS.Signals;
  /** The log line when the warning signal arrives. */
  warningText: string;
  /** A signal that means "the job ends now" (a scheduler's last notice): stop cleanly, as on SIGTERM; it restarts nothing. */
  endingSignal?: NodeJS.Signals;
  /** Seconds before `endsAt` at which the supervisor warns by itself (a scheduler with no reliable early signal). */
  warnAheadSec?(env: Record<string, string | undefined>): number | null;
  /** Once, off the start path: the job's end by its time limit (ISO), null when unlimited; rejects when unknown. */
  endsAt(jobId: string, env: Record<string, string | undefined>): Promise<string | null>;
  /** Why a SIGTERM ended the supervisor: "time limit" near `endsAt`, else the scheduler's own words. */
  stopReason(endsAt: string | null, now: number): string;
}

/** One batch scheduler. */
export interface Scheduler {
  /** Its name: the value of `--scheduler`, the backend kind, status's `backend`/`managedBy` and `job.scheduler`. */
  readonly name: SchedulerName;
  /** The backend that runs an instance as one of this scheduler's jobs. */
  readonly backend: Backend;
  /** The supervisor's hooks inside a job. */
  readonly inJob: InJob;
}
