// Edges: sbatch, scontrol show job, scancel, each with a deadline and argv (never a shell string).
import { runCommand } from "../../io/run-command.js";
import { JlremoteError } from "../../core/errors.js";
import { parseSacct, parseScontrolJob, type JobInfo } from "./scontrol-parse.js";
import { parseSubmitted } from "./batch-script.js";

type Env = Record<string, string | undefined>;

/** Submit; returns the job id. sbatch's own message (bad partition, bad option) becomes the error. */
export async function sbatch(argv: string[], env: Env, cwd: string): Promise<string> {
  const r = await runCommand("sbatch", argv, { env, cwd, timeoutMs: 60_000 });
  if (r.spawnError)
    throw new JlremoteError(`cannot run sbatch (${r.spawnError}); is Slurm installed on this host and on your PATH?`);
  if (r.code !== 0)
    throw new JlremoteError(
      `sbatch refused the job: ${lastLine(r.stderr) || (r.timedOut ? "timed out after 60 s" : `exit ${r.code}`)}`,
    );
  return parseSubmitted(r.stdout);
}

/** What the scheduler says about a job: its info, `gone` (no longer known), or `error` (no answer). */
export type JobQuery = { kind: "known"; info: JobInfo } | { kind: "gone" } | { kind: "error"; message: string };

/** One `scontrol show job -o ID`. */
export async function showJob(jobId: string, env: Env): Promise<JobQuery> {
  const r = await runCommand("scontrol", ["show", "job", "-o", jobId], { env, timeoutMs: 15_000 });
  if (r.code === 0) {
    const info = parseScontrolJob(r.stdout);
    return info ? { kind: "known", info } : { kind: "error", message: "unexpected scontrol output" };
  }
  if (/Invalid job id/i.test(r.stderr)) return fromAccounting(jobId, env);
  return {
    kind: "error",
    message: r.spawnError
      ? `cannot run scontrol (${r.spawnError})`
      : lastLine(r.stderr) || (r.timedOut ? "scontrol timed out" : `scontrol exit ${r.code}`),
  };
}

/** scancel the job (or, with `signal` and `batchOnly`, signal its batch shell only); false when scancel failed. */
export async function scancel(
  jobId: string,
  env: Env,
  opts: { signal?: string; batchOnly?: boolean } = {},
): Promise<boolean> {
  const args = [...(opts.signal ? [`--signal=${opts.signal}`] : []), ...(opts.batchOnly ? ["--batch"] : []), jobId];
  const r = await runCommand("scancel", args, { env, timeoutMs: 15_000 });
  return r.code === 0;
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop()?.trim() ?? "";
}

/** slurmctld forgot the job (MinJobAge): ask accounting (sacct) when there is one, else the job is gone. */
async function fromAccounting(jobId: string, env: Env): Promise<JobQuery> {
  const r = await runCommand("sacct", ["-n", "-P", "-X", "-j", jobId, "-o", "JobID,State,ExitCode"], {
    env,
    timeoutMs: 15_000,
  });
  const row = r.code === 0 ? parseSacct(r.stdout, jobId) : null;
  if (!row) return { kind: "gone" };
  return { kind: "known", info: { ...row, reason: null, node: null, startTime: null, endTime: null, timeLimit: null } };
}
