// Pure: Grid Engine job states (qstat's letters), what they mean for an instance, and the end reason from qacct.
import type { QacctRecord } from "./qstat-parse.js";

/** Where a job is in its life, as jlremote cares (`error`: Eqw and the like, waiting for an administrator). */
export type JobPhase = "pending" | "running" | "error" | "unknown";

/** How a job ended (recorded in sge-job.json when first seen: qstat forgets a job at once, qacct may lag). */
export interface JobEnd {
  /** A short state word: COMPLETED, DELETED, TIMEOUT, FAILED, GONE. */
  jobState: string;
  /** A sentence for people: "time limit", "deleted (qdel)", "failed (exit code 3)", ... */
  reason: string;
  exitCode: string | null;
  at: string;
  /** Whether qacct confirmed it (false: the job left qstat, accounting has no record yet). */
  accounted: boolean;
}

/**
 * The phase of qstat's state letters: E (error) wins; q/w (waiting, also a requeued `hRwq`), h (hold) and s/S/T
 * (suspended: Jupyter's processes are stopped) wait; r, t (transferring), d (being deleted) run.
 */
export function phaseOf(state: string): JobPhase {
  if (state.includes("E")) return "error";
  if (/[qwhsST]/.test(state)) return "pending";
  if (/[rtRd]/.test(state)) return "running";
  return "unknown";
}

/** qacct's failed codes that are the scheduler's own doing, by the reason shown. */
const failedReasons: Record<number, { jobState: string; reason: string }> = {
  37: { jobState: "TIMEOUT", reason: "time limit" },
  100: { jobState: "DELETED", reason: "deleted (qdel)" },
};

/** The end that a qacct record describes. */
export function describeEnd(acct: QacctRecord, at: string): JobEnd {
  const exit = acct.exitStatus === null ? null : String(acct.exitStatus);
  const known = failedReasons[acct.failed];
  if (known) return { ...known, exitCode: exit, at, accounted: true };
  if (acct.failed !== 0)
    return {
      jobState: "FAILED",
      reason: `failed (${acct.failed}${acct.failedText ? `: ${acct.failedText}` : ""})`,
      exitCode: exit,
      at,
      accounted: true,
    };
  if (acct.exitStatus !== null && acct.exitStatus !== 0)
    return { jobState: "FAILED", reason: `failed (exit code ${acct.exitStatus})`, exitCode: exit, at, accounted: true };
  return { jobState: "COMPLETED", reason: "completed", exitCode: exit, at, accounted: true };
}

/** A job qstat no longer lists and qacct (not yet, or not at all) knows: what the supervisor recorded, if anything. */
export function unaccountedEnd(recorded: string | null, at: string): JobEnd {
  return {
    jobState: "GONE",
    reason: recorded ?? "ended; qstat no longer lists the job and qacct has no record (yet)",
    exitCode: null,
    at,
    accounted: false,
  };
}

/** Is the end a failure (status `failed`) rather than a stop? */
export function endIsFailure(end: JobEnd): boolean {
  return end.jobState === "FAILED";
}
