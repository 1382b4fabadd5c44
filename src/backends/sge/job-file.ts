// The instance's Grid Engine job record, sge-job.json in the instance dir (batch-job/job-file.ts): written at
// submission (submit host), and when an end is first seen (qstat forgets an ended job at once; qacct may lag or be
// absent).
import { type BatchJobRecord, jobFile } from "../batch-job/job-file.js";
import type { JobEnd } from "./job-state.js";

/** What sge-job.json holds. */
export interface JobRecord extends BatchJobRecord {
  /** The user's extra qsub options (argv form), kept so a restart submits the same way. */
  qsubArgs: string[];
  /** The end, once seen (`accounted: false` until qacct confirms it). */
  end: JobEnd | null;
}

/** sge-job.json: its path, read, write, and forgetting an ended job (`start --scheduler none`). */
export const sgeJobs = jobFile<JobRecord>("sge-job.json", "Grid Engine job");
