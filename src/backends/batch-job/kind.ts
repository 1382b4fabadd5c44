// What the shared batch-job code (submit.ts, wait.ts) needs to know of one scheduler: its commands, job file,
// script and the words of its messages. Each scheduler's folder describes itself with one BatchJobKind.
import type { InstanceView } from "../../instance/view.js";
import type { BackendContext, StartFlags } from "../backend.js";
import type { BatchJobRecord, JobFile } from "./job-file.js";
import type { BatchPlan } from "./script.js";

type Env = Record<string, string | undefined>;

/** What a submission asks for beyond the instance's options (kept in the job file for a resubmission). */
export interface JobAsk {
  /** The user's submit options, already split (plus any the scheduler adds from start's flags). */
  userArgs: string[];
  timeWarningSec: number;
}

/** The common part of a new submission's job file. */
export type NewJobRecord = BatchJobRecord & { end: null; seen: null };

/** One scheduler, as the shared submit/query/cancel/wait code sees it. */
export interface BatchJobKind<R extends BatchJobRecord> {
  /** The scheduler's name (the backend kind). */
  name: string;
  /** How messages name one of its jobs: "submitted batch job 42", "is Grid Engine job 42". */
  jobNoun: string;
  /** The instance's job file. */
  jobs: JobFile<R>;
  /** The script's file name in the instance dir (job.sbatch). */
  scriptFile: string;
  /** Pure: start's scheduler flags as a submission (validated: a usage error when bad). */
  askOf(flags: StartFlags): JobAsk;
  /** Pure: the script text of a plan. */
  script(plan: BatchPlan): string;
  /** Pure: the submit command's argv for the plan and its script file. */
  submitArgv(plan: BatchPlan, scriptFile: string): string[];
  /** Submit (the job sees `env`, and starts in `cwd`); the job id. The command's own refusal becomes the error. */
  submit(argv: string[], env: Env, cwd: string): Promise<string>;
  /** The job file of a new submission (the ask kept under the scheduler's own key). */
  record(common: NewJobRecord, ask: JobAsk): R;
  /** At most one question to the scheduler when the files cannot answer (the backend's settle). */
  settle(view: InstanceView, ctx: BackendContext): Promise<InstanceView>;
  /** Cancel a queued job and wait (bounded) until the scheduler confirms it; reports, never throws. */
  cancelQueued(jobId: string, ctx: BackendContext): Promise<void>;
  /** The end recorded for a job cancelled while queued (Ctrl-C on start). */
  queuedEnd(at: string): NonNullable<R["end"]>;
  /** Words of the wait's messages. */
  words: {
    /** The state shown before the scheduler's first answer: just submitted, or found. */
    submitted: string;
    unknown: string;
    /** "cancelled" (scancel), "deleted" (qdel): "interrupted: cancelled job 42 while it was queued". */
    cancelled: string;
    /** What `jlremote stop` does to the job: "ends", "deletes". */
    stopDoes: string;
  };
  /** The scheduler's start estimate of a pending job, for the progress line (", expected to start in 45 s"). */
  estimate?(at: string, now: number): string;
}
