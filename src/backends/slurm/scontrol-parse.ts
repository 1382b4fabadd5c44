// Pure: parses `scontrol show job -o ID` and `squeue -h -o '%i|%T|%r|%N|%e|%L'` output (Slurm 22.05 samples in test/fixtures/slurm).

/** The fields of one job that jlremote uses. */
export interface JobInfo {
  jobId: string;
  jobState: string;
  /** Why it is pending (PartitionDown, Resources, Priority…) or why it ended (NonZeroExitCode…); null for None. */
  reason: string | null;
  node: string | null;
  /** `ExitCode=3:0` → "3"; `0:15` (killed by signal 15) → "0:15". */
  exitCode: string | null;
  startTime: string | null;
  endTime: string | null;
  timeLimit: string | null;
}

/** One-line `key=value key=value` output of `scontrol show job -o`; null when there is no JobId. */
export function parseScontrolJob(text: string): JobInfo | null {
  const line = text.split("\n").find((l) => l.startsWith("JobId="));
  if (!line) return null;
  const f = new Map<string, string>();
  // Values never contain " key=" of their own in the fields we read; split on spaces before a key.
  for (const part of line.trim().split(/ (?=[A-Za-z/:]+=)/)) {
    const eq = part.indexOf("=");
    if (eq > 0) f.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const none = (v: string | undefined) =>
    v === undefined || v === "" || v === "None" || v === "(null)" || v === "Unknown" || v === "N/A" ? null : v;
  const exit = f.get("ExitCode");
  return {
    jobId: f.get("JobId") as string,
    jobState: f.get("JobState") ?? "UNKNOWN",
    reason: none(f.get("Reason")),
    node: none(f.get("BatchHost")) ?? none(f.get("NodeList")),
    exitCode: exit === undefined ? null : exit.endsWith(":0") ? exit.slice(0, -2) : exit,
    startTime: none(f.get("StartTime")),
    endTime: none(f.get("EndTime")),
    timeLimit: none(f.get("TimeLimit")),
  };
}

/** Lines of `squeue -h -o '%i|%T|%r|%N|%e|%L'`. */
export function parseSqueue(text: string): Pick<JobInfo, "jobId" | "jobState" | "reason" | "node" | "endTime">[] {
  return text
    .split("\n")
    .filter((l) => l.includes("|"))
    .map((l) => {
      const [jobId = "", jobState = "", reason = "", node = "", end = ""] = l.trim().split("|");
      return {
        jobId,
        jobState,
        reason: reason === "None" || reason === "" ? null : reason,
        node: node || null,
        endTime: end === "N/A" || end === "NONE" || end === "" ? null : end,
      };
    });
}

/** A Slurm timestamp (local time, no zone, as printed on this cluster) to ISO, or null. */
export function slurmTimeToIso(t: string | null): string | null {
  if (t === null || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(t)) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** `sacct -n -P -X -j ID -o JobID,State,ExitCode` (where accounting answers): the job's state and exit code, or null. */
export function parseSacct(text: string, jobId: string): Pick<JobInfo, "jobId" | "jobState" | "exitCode"> | null {
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.split("|")[0] === jobId);
  if (!line) return null;
  const [, state = "", exit = ""] = line.split("|");
  return { jobId, jobState: state, exitCode: exit === "" ? null : exit.endsWith(":0") ? exit.slice(0, -2) : exit };
}
