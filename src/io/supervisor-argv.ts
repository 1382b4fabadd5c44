// How a supervisor's node is started: the memory flags of figure 9, and absolute paths where PATH may differ.
import { realpathSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Node flags of every supervisor (detached, systemd, a batch job): no V8 background GC or compile tasks (each thread
 * kept a malloc arena), so the idle supervisor's RSS stays put over months of loop turns (README, figure 9). These two
 * leave node's code cache of its built-in modules usable (`--max-semi-space-size` or `--single-threaded` make V8
 * reject it); the young generation is capped at run time instead, once the first Jupyter is spawned (io/young-generation.ts).
 */
export const SUPERVISOR_NODE_FLAGS = ["--single-threaded-gc", "--no-concurrent-recompilation"] as const;

/** `self` ([node, ...execArgv, script]) with the supervisor's node flags after node. */
export function withSupervisorFlags(self: readonly string[]): string[] {
  const [node = process.execPath, ...rest] = self;
  return [node, ...SUPERVISOR_NODE_FLAGS, ...rest];
}

/** The same, with absolute node and bundle paths (a unit's or a batch job's PATH and cwd may differ from ours). */
export function absoluteSupervisorArgv(self: readonly string[], cwd: string): string[] {
  const [node, ...rest] = self;
  const script = rest.pop() ?? "";
  const abs = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(cwd, p);
    }
  };
  return withSupervisorFlags([abs(node ?? process.execPath), ...rest, abs(script)]);
}

/** Was this node started with the supervisor's flags (then it runs a supervisor: detached, warm, a unit's, a job's)? */
export function isSupervisorNode(execArgv: readonly string[]): boolean {
  return SUPERVISOR_NODE_FLAGS.every((f) => execArgv.includes(f));
}
