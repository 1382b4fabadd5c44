// What every command receives from cli.ts: environment, cwd, output sinks and how to re-run this CLI.
import type { Progress } from "./core/progress.js";
import type { ChildProcess } from "node:child_process";
import type { EarlyKeeper, WarmSupervisor } from "./core/warm-supervisor.js";

/** Injected dependencies of a command (tests can run commands in-process with their own). */
export interface CommandContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** Write one result line to stdout. */
  out: (line: string) => void;
  /** Write one diagnostic line to stderr. */
  err: (line: string) => void;
  /** Progress on stderr: a live line on a TTY, elsewhere only the lines that say something new. */
  progress: Progress;
  version: string;
  /** argv prefix that runs this CLI again: [node, ...execArgv, script]. */
  self: string[];
  /** A supervisor node spawned ahead by cli.ts for a start (src/core/warm-supervisor.ts); the detached start uses it. */
  warmSupervisor?: WarmSupervisor<ChildProcess>;
  /** In a warm supervisor: the kernel keeper it started ahead, for `run` (src/supervisor/keeper-start.ts). */
  earlyKeeper?: EarlyKeeper<ChildProcess>;
}

/** Options shared by commands that address one instance. */
export interface NameOption {
  name: string;
}
