// A scheduler's job record of an instance (slurm-job.json, sge-job.json in the instance dir): written at submission
// (submit host), updated with the scheduler's answers and, once seen, the job's end (schedulers forget ended jobs).
import { readFileSync, rmSync } from "node:fs";
import { JlremoteError } from "../../core/errors.js";
import type { InstanceOptions } from "../../core/types.js";
import { joinPath } from "../../core/path-join.js";
import { writeFileAtomic } from "../../io/atomic-file.js";
import { instancePaths } from "../../io/paths.js";

type Env = Record<string, string | undefined>;

/** How a job ended, as every scheduler records it (each may add fields). */
export interface BatchJobEnd {
  /** The scheduler's state word: TIMEOUT, CANCELLED, DELETED, COMPLETED, … */
  jobState: string;
  /** A sentence for people: "time limit", "deleted (qdel)", "failed (exit code 3)", … */
  reason: string;
  exitCode: string | null;
  at: string;
}

/** The scheduler's last answer about a waiting or running job, for status while the job waits. */
export interface BatchJobSeen {
  jobState: string;
  reason: string | null;
  node: string | null;
  at: string;
}

/** What every job file holds (each scheduler adds its submit options under its own key). */
export interface BatchJobRecord {
  schema: 1;
  jobId: string;
  submittedAt: string;
  timeWarningSec: number;
  options: InstanceOptions;
  /** The end, once seen. */
  end: BatchJobEnd | null;
  seen?: BatchJobSeen | null;
}

/** One scheduler's job file: where it is, read, write, and forget an ended job. */
export interface JobFile<R extends BatchJobRecord> {
  /** Path of the job file of an instance. */
  path(env: Env, name: string): string;
  /** Read the job file; null when absent or unreadable. */
  read(env: Env, name: string): R | null;
  /** Write the job file atomically (0600). */
  write(env: Env, name: string, record: R): void;
  /** Before running the instance elsewhere (`start --scheduler none`): forget its ended job; refuse a live one. */
  forgetEnded(env: Env, name: string): void;
}

/** The job file named `fileName` in the instance dir; `jobNoun` names its jobs in messages ("batch job"). */
export function jobFile<R extends BatchJobRecord>(fileName: string, jobNoun: string): JobFile<R> {
  const path = (env: Env, name: string) => joinPath(instancePaths(env, name).dir, fileName);
  const read = (env: Env, name: string): R | null => {
    try {
      const r = JSON.parse(readFileSync(path(env, name), "utf8")) as R;
      return r && r.schema === 1 && typeof r.jobId === "string" ? r : null;
    } catch {
      return null;
    }
  };
  return {
    path,
    read,
    write: (env, name, record) => writeFileAtomic(path(env, name), `${JSON.stringify(record, null, 2)}\n`, 0o600),
    forgetEnded(env, name) {
      const job = read(env, name);
      if (job && !job.end)
        throw new JlremoteError(
          `instance '${name}' is ${jobNoun} ${job.jobId}, not known to have ended; \`jlremote stop --name ${name}\` first`,
        );
      rmSync(path(env, name), { force: true });
    },
  };
}
