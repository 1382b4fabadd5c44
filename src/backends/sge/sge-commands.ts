// Edges: qsub, qstat, qstat -j, qdel, qacct, each with a deadline and argv (never a shell string).
import { JlremoteError } from "../../core/errors.js";
import { runCommand } from "../../io/run-command.js";
import {
  parseQacct,
  parseQstat,
  parseQstatJ,
  parseQsubTerse,
  type QacctRecord,
  type QstatRow,
  saysUnknownJob,
} from "./qstat-parse.js";

type Env = Record<string, string | undefined>;

/** Submit; returns the job id. qsub's own message (unknown resource, bad queue) becomes the error. */
export async function qsub(argv: string[], env: Env, cwd: string): Promise<string> {
  const r = await runCommand("qsub", argv, { env, cwd, timeoutMs: 60_000 });
  if (r.spawnError)
    throw new JlremoteError(
      `cannot run qsub (${r.spawnError}); is Grid Engine's client on this host and on your PATH (and SGE_ROOT set)?`,
    );
  if (r.code !== 0) {
    const why = r.stderr
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "Exiting.")
      .pop()
      ?.trim();
    throw new JlremoteError(`qsub refused the job: ${why || (r.timedOut ? "timed out after 60 s" : `exit ${r.code}`)}`);
  }
  return parseQsubTerse(r.stdout);
}

/** What the scheduler says about a job: listed by qstat (with qstat -j's reason), gone (with qacct's record), or no answer. */
export type JobQuery =
  | { kind: "listed"; row: QstatRow; reason: string | null }
  | { kind: "gone"; acct: QacctRecord | null }
  | { kind: "error"; message: string };

/** One qstat (and qstat -j for a job that waits or is in error; qacct once it is gone). */
export async function queryJob(jobId: string, env: Env): Promise<JobQuery> {
  const r = await runCommand("qstat", [], { env, timeoutMs: 15_000 });
  if (r.code !== 0 || r.spawnError)
    return {
      kind: "error",
      message: r.spawnError ? `cannot run qstat (${r.spawnError})` : lastLine(r.stderr, "qstat"),
    };
  const row = parseQstat(r.stdout).find((x) => x.jobId === jobId);
  if (row) {
    if (row.node !== null && !row.state.includes("E")) return { kind: "listed", row, reason: null };
    const j = await runCommand("qstat", ["-j", jobId], { env, timeoutMs: 15_000 });
    return { kind: "listed", row, reason: j.code === 0 ? (parseQstatJ(j.stdout)?.reason ?? null) : null };
  }
  return { kind: "gone", acct: await accounting(jobId, env) };
}

/** qacct's record of an ended job; null when accounting has none (yet, or at all: qacct is optional). */
export async function accounting(jobId: string, env: Env): Promise<QacctRecord | null> {
  const r = await runCommand("qacct", ["-j", jobId], { env, timeoutMs: 15_000 });
  return r.code === 0 ? parseQacct(r.stdout) : null;
}

/** qdel the job; true when Grid Engine took the deletion or no longer knows the job. */
export async function qdel(jobId: string, env: Env): Promise<boolean> {
  const r = await runCommand("qdel", [jobId], { env, timeoutMs: 15_000 });
  return r.code === 0 || saysUnknownJob(`${r.stdout}${r.stderr}`);
}

/** The hard h_rt of a job in seconds (qstat -j), null when it has none; rejects when qstat cannot tell. */
export async function hardRuntime(qstat: string, jobId: string, env: Env): Promise<number | null> {
  const r = await runCommand(qstat, ["-j", jobId], { env, timeoutMs: 15_000 });
  const j = r.code === 0 ? parseQstatJ(r.stdout) : null;
  if (!j) throw new Error(r.spawnError ? `cannot run ${qstat} (${r.spawnError})` : lastLine(r.stderr, "qstat -j"));
  return j.hRtSec;
}

function lastLine(text: string, cmd: string): string {
  return text.trim().split("\n").pop()?.trim() || `${cmd} failed`;
}
