// The instance's batch job record, slurm-job.json in the instance dir: written at submission (login side), and
// when an end is seen (its reason, since `scontrol show job` forgets an ended job after ~5 minutes).
import { readFileSync, rmSync } from "node:fs";
import { JlremoteError } from "../../core/errors.js";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic-file.js";
import { instancePaths } from "../../io/paths.js";
import type { InstanceOptions } from "../../core/types.js";
import type { JobEnd } from "./job-state.js";

/** What slurm-job.json holds. */
export interface JobRecord {
  schema: 1;
  jobId: string;
  submittedAt: string;
  /** The user's extra sbatch options (argv form), kept so a later `start` submits the same way. */
  sbatchArgs: string[];
  timeWarningSec: number;
  options: InstanceOptions;
  /** The end, once a terminal job state was seen. */
  end: JobEnd | null;
  /** The scheduler's last answer (state, pending reason, node), for status while the job waits. */
  seen?: {
    jobState: string;
    reason: string | null;
    node: string | null;
    at: string;
    expectedStart?: string | null;
  } | null;
}

/** Path of the job file of an instance. */
export function jobFilePath(env: Record<string, string | undefined>, name: string): string {
  return join(instancePaths(env, name).dir, "slurm-job.json");
}

/** Read the job file; null when absent or unreadable. */
export function readJob(env: Record<string, string | undefined>, name: string): JobRecord | null {
  try {
    const r = JSON.parse(readFileSync(jobFilePath(env, name), "utf8")) as JobRecord;
    return r && r.schema === 1 && typeof r.jobId === "string" ? r : null;
  } catch {
    return null;
  }
}

/** Write the job file atomically (0600). */
export function writeJob(env: Record<string, string | undefined>, name: string, record: JobRecord): void {
  writeFileAtomic(jobFilePath(env, name), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/** Forget the job (the instance runs without a scheduler from now on). */
function removeJob(env: Record<string, string | undefined>, name: string): void {
  rmSync(jobFilePath(env, name), { force: true });
}

/** Before running an instance here again (`start --scheduler none`): forget its ended job; refuse a live one. */
export function forgetEndedJob(env: Record<string, string | undefined>, name: string): void {
  const job = readJob(env, name);
  if (job && !job.end)
    throw new JlremoteError(
      `instance '${name}' is batch job ${job.jobId}, not known to have ended; \`jlremote stop --name ${name}\` first`,
    );
  removeJob(env, name);
}
