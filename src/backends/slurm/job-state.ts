// Pure: Slurm job states, what they mean for an instance, and the end reason shown by status.

/** Where a job is in its life, as jlremote cares. */
export type JobPhase = "pending" | "running" | "ended" | "unknown";

/** How a job ended (recorded in slurm-job.json when seen). */
export interface JobEnd {
  /** Slurm's state name: TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, FAILED, COMPLETED, … */
  jobState: string;
  /** A sentence for people: "time limit", "cancelled (scancel)", "out of memory", … */
  reason: string;
  exitCode: string | null;
  at: string;
}

const pending = new Set([
  "PENDING",
  "CONFIGURING",
  "REQUEUED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "RESV_DEL_HOLD",
  "SUSPENDED",
  "STOPPED",
  "RESIZING",
]);
const running = new Set(["RUNNING", "COMPLETING", "SIGNALING", "STAGE_OUT"]);
const endReasons: Record<string, string> = {
  TIMEOUT: "time limit",
  CANCELLED: "cancelled (scancel)",
  OUT_OF_MEMORY: "out of memory",
  NODE_FAIL: "node failure",
  PREEMPTED: "preempted",
  FAILED: "failed",
  COMPLETED: "completed",
  BOOT_FAIL: "node boot failure",
  DEADLINE: "deadline reached",
  REVOKED: "revoked",
  SPECIAL_EXIT: "special exit",
};

/** The phase of a Slurm state name (`CANCELLED by 0` and `COMPLETING+` forms included). */
export function phaseOf(jobState: string): JobPhase {
  const s = baseState(jobState);
  if (pending.has(s)) return "pending";
  if (running.has(s)) return "running";
  if (Object.hasOwn(endReasons, s)) return "ended";
  return "unknown";
}

/** The bare state name: `CANCELLED by 1000` → CANCELLED, `RUNNING+` → RUNNING. */
function baseState(jobState: string): string {
  return (jobState.trim().split(/\s+/)[0] ?? "").replace(/[+*]$/, "").toUpperCase();
}

/** The end record of a terminal state (FAILED carries its exit code; CANCELLED by whom when known). */
export function describeEnd(jobState: string, exitCode: string | null, at: string): JobEnd {
  const s = baseState(jobState);
  const by = /CANCELLED by (\S+)/i.exec(jobState)?.[1];
  let reason = endReasons[s] ?? s.toLowerCase();
  if (s === "CANCELLED" && by !== undefined) reason = `cancelled by uid ${by}`;
  const signal = exitCode !== null ? /^\d+:(\d+)$/.exec(exitCode)?.[1] : undefined;
  if (s === "FAILED" && exitCode !== null)
    reason =
      signal !== undefined && signal !== "0" ? `failed (killed by signal ${signal})` : `failed (exit code ${exitCode})`;
  return { jobState: s, reason, exitCode, at };
}

/**
 * Slurm without cgroups (jobacct_gather/linux with OverMemoryKill) ends an over-memory job as FAILED, killed by
 * signal 9; its own message in the job's output ("Exceeded job memory limit") tells the real reason.
 */
export function refineEnd(end: JobEnd, jobOutputTail: string): JobEnd {
  if (
    end.jobState !== "FAILED" ||
    !/(exceeded (job |step )?memory limit|oom[- ]kill|out of memory)/i.test(jobOutputTail)
  )
    return end;
  return { ...end, reason: "out of memory (the job exceeded its memory limit)" };
}
