// The instance's batch job record, slurm-job.json in the instance dir (batch-job/job-file.ts): written at
// submission (login side), and when an end is seen (its reason, since `scontrol show job` forgets an ended job after
// ~5 minutes).
import { type BatchJobRecord, jobFile } from "../batch-job/job-file.js";
import type { JobEnd } from "./job-state.js";

/** What slurm-job.json holds. */
export interface JobRecord extends BatchJobRecord {
  /** The user's extra sbatch options (argv form), kept so a later `start` submits the same way. */
  sbatchArgs: string[];
  end: JobEnd | null;
  /** The scheduler's last answer (state, pending reason, node, start estimate), for status while the job waits. */
  seen?: {
    jobState: string;
    reason: string | null;
    node: string | null;
    at: string;
    expectedStart?: string | null;
  } | null;
}

/** slurm-job.json: its path, read, write, and forgetting an ended job (`start --scheduler none`). */
export const slurmJobs = jobFile<JobRecord>("slurm-job.json", "batch job");
