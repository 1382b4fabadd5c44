// Pure: the job script whose main process is the jlremote supervisor, and the qsub argv that submits it.
import { usageError } from "../../core/errors.js";
import { type BatchPlan, jobScript } from "../batch-job/script.js";
import { parseSgeDuration } from "./qstat-parse.js";

/** The environment the script gives the supervisor: when the job started, its h_rt (if asked), the warning lead. */
export const jobEnv = { started: "JLREMOTE_JOB_STARTED", hRt: "JLREMOTE_JOB_H_RT", warning: "JLREMOTE_TIME_WARNING" };

/**
 * The script text. -notify's SIGUSR2 (a qdel, or h_rt reached) reaches every process of the job; the supervisor takes
 * it as "the job ends now", this shell ignores it. No token: the supervisor makes it on the node.
 */
export function batchScript(plan: BatchPlan): string {
  const hRt = hardRuntimeOf(plan.userArgs);
  return jobScript(plan, {
    says: "this shell runs its supervisor.",
    env: [
      `${jobEnv.started}=$(date +%s) ${jobEnv.warning}=${plan.timeWarningSec}${hRt === null ? "" : ` ${jobEnv.hRt}=${hRt}`}`,
      `export ${jobEnv.started} ${jobEnv.warning}${hRt === null ? "" : ` ${jobEnv.hRt}`}`,
    ],
    traps: ["trap '' USR1 USR2"],
  });
}

/** Options of ours that the user may not override (they would break finding the job, its output or its script). */
const reserved = ["-o", "-e", "-j", "-b", "-terse", "-sync", "-S", "-t"];

/** qsub's argv for the script file: ours first, the user's after (theirs win for -q, -l, -pe, -P…). */
export function qsubArgv(plan: BatchPlan, scriptFile: string): string[] {
  for (const a of plan.userArgs)
    if (reserved.includes(a))
      throw usageError(`--qsub: ${a} is set by jlremote (the job's output and script are its own); leave it out`);
  return [
    "-terse",
    "-b",
    "n",
    "-S",
    "/bin/sh",
    "-N",
    `jlremote-${plan.name}`,
    "-o",
    plan.outputFile,
    "-j",
    "y",
    // qdel and h_rt send SIGUSR2 first, then SIGKILL after the queue's notify time: the supervisor's clean end.
    "-notify",
    // As sbatch does by default: the job sees the submitting environment (XDG dirs, PATH to Jupyter).
    "-V",
    "-wd",
    plan.rootDir,
    ...plan.userArgs,
    scriptFile,
  ];
}

/** The h_rt asked for with `-l h_rt=…` (the last one wins, as in qsub), in seconds; null when none. */
export function hardRuntimeOf(args: string[]): number | null {
  let out: number | null = null;
  args.forEach((a, i) => {
    const list = a === "-l" ? (args[i + 1] ?? "") : a.startsWith("-l") && a.length > 2 ? a.slice(2) : "";
    for (const item of list.split(",")) {
      const m = /^(?:h_rt|hard_runtime)=(.+)$/.exec(item.trim());
      if (m) out = parseSgeDuration(m[1] as string);
    }
  });
  return out;
}

/** Validate --time-warning (whole seconds ≥ 0, at most a day). */
export function parseWarningLead(raw: unknown): number {
  const text = String(raw ?? "600");
  if (!/^\d+$/.test(text) || Number(text) > 86_400)
    throw usageError(`--time-warning ${text}: expected whole seconds from 0 to 86400`);
  return Number(text);
}
