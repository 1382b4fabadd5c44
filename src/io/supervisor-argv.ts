// How a supervisor's node is started: the memory flags of figure 9, and absolute paths where PATH may differ.
import { realpathSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Node flags of every supervisor (detached, systemd, a batch job): a 1 MB young generation and no V8 background threads
 * (each kept a malloc arena), so the idle supervisor's RSS stays put over months of loop turns (README, figure 9).
 */
const SUPERVISOR_NODE_FLAGS = ["--max-semi-space-size=1", "--single-threaded"] as const;

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
