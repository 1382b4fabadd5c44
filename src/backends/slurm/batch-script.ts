// Pure: the batch script whose main step is the jlremote supervisor, and the sbatch argv that submits it.
import { usageError } from "../../core/errors.js";
import { defaultTimeWarningSec } from "../../core/settings.js";
import { type BatchPlan, jobScript } from "../batch-job/script.js";

/**
 * The script text. `--signal=B:…` reaches only the batch shell, so the shell forwards USR1 (walltime warning), USR2
 * (restart) and TERM (stop) to the supervisor. An `exec` would end the job with the supervisor instead and, with
 * proctrack/linuxproc, leave Jupyter and its kernels running outside any job.
 */
export function batchScript(plan: BatchPlan): string {
  return jobScript(plan, {
    says: "this shell only forwards signals.",
    env: [],
    // Once stopping, a late USR1/USR2 is not passed on: it could reach the exiting supervisor after Node has dropped
    // its handlers (killed by the signal: exit 138/140, the job FAILED instead of COMPLETED).
    traps: [
      `trap '[ "$stop" = 1 ] || kill -USR1 "$child" 2>/dev/null' USR1`,
      `trap '[ "$stop" = 1 ] || kill -USR2 "$child" 2>/dev/null' USR2`,
    ],
  });
}

/** Options of ours that the user may not override (they would break finding the instance or its signal). */
const reserved = ["--parsable", "--output", "-o", "--error", "-e", "--signal", "--wrap", "--open-mode"];

/** sbatch's argv for the script file: our options first, the user's after (so theirs win for -p, -t, --gres…). */
export function sbatchArgv(plan: BatchPlan, scriptFile: string): string[] {
  for (const a of plan.userArgs) {
    const key = a.startsWith("--") ? (a.split("=")[0] as string) : a.slice(0, 2);
    if (reserved.includes(key))
      throw usageError(
        `--sbatch: ${key} is set by jlremote (output in the state dir, warning signal from --time-warning); leave it out`,
      );
  }
  return [
    "--parsable",
    `--job-name=jlremote-${plan.name}`,
    `--output=${plan.outputFile}`,
    "--open-mode=append",
    `--signal=B:USR1@${plan.timeWarningSec}`,
    `--chdir=${plan.rootDir}`,
    ...plan.userArgs,
    scriptFile,
  ];
}

/** The job id from `sbatch --parsable` output (`123` or `123;cluster`). */
export function parseSubmitted(stdout: string): string {
  const id = stdout.trim().split(/\s+/).pop()?.split(";")[0] ?? "";
  if (!/^\d+(_\d+)?$/.test(id)) throw new Error(`unexpected sbatch output: ${JSON.stringify(stdout.trim())}`);
  return id;
}

/** Validate --time-warning (seconds, a whole number ≥ 0; Slurm caps it at 65535). */
export function parseTimeWarning(raw: unknown): number {
  const text = String(raw ?? defaultTimeWarningSec);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw usageError(`--time-warning ${text}: expected whole seconds from 0 to 65535`);
  return n;
}
