// Pure: the skeleton of a batch job's script, whose main process is the jlremote supervisor; a scheduler adds its
// environment lines and signal traps (slurm/batch-script.ts, sge/batch-script.ts).
import { shQuote } from "../../core/ssh-command.js";

/** What a batch job needs to know. */
export interface BatchPlan {
  name: string;
  /** argv that runs jlremote on the node (absolute node and bundle paths), then `run …`. */
  supervisorArgv: string[];
  /** File the job's stdout and stderr go to (appended: a requeued job keeps the earlier output). */
  outputFile: string;
  rootDir: string;
  /** Seconds before the time limit at which the supervisor is warned (by the scheduler's signal, or by itself). */
  timeWarningSec: number;
  /** The user's options for the submit command, already split. */
  userArgs: string[];
}

/** A scheduler's part of the script: what the shell is there for, its environment lines, its signal traps. */
export interface ScriptDirectives {
  /** The end of the script's comment line: "this shell only forwards signals." */
  says: string;
  /** Lines before the shell's own variables (exports for the supervisor). */
  env: string[];
  /** `trap` lines for the scheduler's signals (TERM and INT always stop the supervisor). */
  traps: string[];
}

/**
 * The script text. The shell waits for the supervisor (never `exec`: Jupyter and its kernels must stay inside the
 * job); TERM or INT stops it; a supervisor killed by SIGKILL (the OOM killer) is run again, at most 5 times, and the
 * new one adopts the running Jupyter, kernels untouched.
 */
export function jobScript(plan: BatchPlan, d: ScriptDirectives): string {
  return [
    "#!/bin/sh",
    `# jlremote instance '${plan.name}' (see \`jlremote status --name ${plan.name}\`): ${d.says}`,
    ...d.env,
    "stop=0 child= tries=0",
    ...d.traps,
    `trap 'stop=1; kill -TERM "$child" 2>/dev/null' TERM INT`,
    "while :; do",
    `  ${plan.supervisorArgv.map(shQuote).join(" ")} &`,
    "  child=$!",
    "  while :; do",
    `    wait "$child"; rc=$?`,
    `    kill -0 "$child" 2>/dev/null || break`,
    "  done",
    "  # A wait cut short by a trapped signal just as the supervisor exited: fetch its own status.",
    `  if [ "$rc" -gt 128 ]; then wait "$child" 2>/dev/null; r=$?; [ "$r" != 127 ] && rc=$r; fi`,
    `  if [ "$stop" = 0 ] && [ "$rc" = 137 ] && [ "$tries" -lt 5 ]; then tries=$((tries + 1)); continue; fi`,
    `  exit "$rc"`,
    "done",
    "",
  ].join("\n");
}
