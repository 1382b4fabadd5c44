// The instance's Grid Engine job record, sge-job.json in the instance dir: written at submission (submit host), and
// when an end is first seen (qstat forgets an ended job at once; qacct may lag or be absent).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { JlremoteError } from "../../core/errors.js";
import type { InstanceOptions } from "../../core/types.js";
import { writeFileAtomic } from "../../io/atomic-file.js";
import { instancePaths } from "../../io/paths.js";
import type { JobEnd } from "./job-state.js";

/** What sge-job.json holds. */
export interface JobRecord {
  schema: 1;
  jobId: string;
  submittedAt: string;
  /** The user's extra qsub options (argv form), kept so a restart submits the same way. */
  qsubArgs: string[];
  timeWarningSec: number;
  options: InstanceOptions;
  /** The end, once seen (`accounted: false` until qacct confirms it). */
  end: JobEnd | null;
  /** qstat's last answer (state letters, why it waits, exec host), for status while the job waits. */
  seen?: { jobState: string; reason: string | null; node: string | null; at: string } | null;
}

type Env = Record<string, string | undefined>;

/** Path of the job file of an instance. */
export function jobFilePath(env: Env, name: string): string {
  return join(instancePaths(env, name).dir, "sge-job.json");
}

/** Read the job file; null when absent or unreadable. */
export function readJob(env: Env, name: string): JobRecord | null {
  try {
    const r = JSON.parse(readFileSync(jobFilePath(env, name), "utf8")) as JobRecord;
    return r && r.schema === 1 && typeof r.jobId === "string" ? r : null;
  } catch {
    return null;
  }
}

/** Write the job file atomically (0600). */
export function writeJob(env: Env, name: string, record: JobRecord): void {
  writeFileAtomic(jobFilePath(env, name), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/** Before running the instance elsewhere (`start --scheduler none`): forget its ended job; refuse a live one. */
export function forgetEndedJob(env: Env, name: string): void {
  const job = readJob(env, name);
  if (!job) return;
  if (!job.end)
    throw new JlremoteError(
      `instance '${name}' is Grid Engine job ${job.jobId}, not known to have ended; \`jlremote stop --name ${name}\` first`,
    );
  rmSync(jobFilePath(env, name), { force: true });
}
