// Pure: the job script whose main process is the jlremote supervisor, and the qsub argv that submits it.
import { usageError } from "../../core/errors.js";
import { shQuote } from "../../core/ssh-command.js";
import { parseSgeDuration } from "./qstat-parse.js";

/** What the job needs to know. */
export interface BatchPlan {
  name: string;
  /** argv that runs jlremote on the node (absolute node and bundle paths), then `run …`. */
  supervisorArgv: string[];
  /** File the job's stdout and stderr go to (SGE appends to it). */
  outputFile: string;
  rootDir: string;
  /** Seconds before the time limit at which the supervisor warns itself. */
  timeWarningSec: number;
  /** The user's qsub options, already split. */
  userArgs: string[];
}

/** The environment the script gives the supervisor: when the job started, its h_rt (if asked), the warning lead. */
export const jobEnv = { started: "JLREMOTE_JOB_STARTED", hRt: "JLREMOTE_JOB_H_RT", warning: "JLREMOTE_TIME_WARNING" };

/**
 * The script text. -notify's SIGUSR2 (a qdel, or h_rt reached) reaches every process of the job; the supervisor takes
 * it as "the job ends now", this shell ignores it. A supervisor killed by SIGKILL (the OOM killer) is run again (at most
 * 5 times) and adopts the running Jupyter, kernels untouched. No token: the supervisor makes it on the node.
 */
export function batchScript(plan: BatchPlan): string {
  const hRt = hardRuntimeOf(plan.userArgs);
  return [
    "#!/bin/sh",
    `# jlremote instance '${plan.name}' (see \`jlremote status --name ${plan.name}\`): this shell runs its supervisor.`,
    `${jobEnv.started}=$(date +%s) ${jobEnv.warning}=${plan.timeWarningSec}${hRt === null ? "" : ` ${jobEnv.hRt}=${hRt}`}`,
    `export ${jobEnv.started} ${jobEnv.warning}${hRt === null ? "" : ` ${jobEnv.hRt}`}`,
    "stop=0 child= tries=0",
    "trap '' USR1 USR2",
    `trap 'stop=1; kill -TERM "$child" 2>/dev/null' TERM INT`,
    "while :; do",
    `  ${plan.supervisorArgv.map(shQuote).join(" ")} &`,
    "  child=$!",
    "  while :; do",
    `    wait "$child"; rc=$?`,
    `    kill -0 "$child" 2>/dev/null || break`,
    "  done",
    `  if [ "$stop" = 0 ] && [ "$rc" = 137 ] && [ "$tries" -lt 5 ]; then tries=$((tries + 1)); continue; fi`,
    `  exit "$rc"`,
    "done",
    "",
  ].join("\n");
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
