// What every jllocal command receives from src/jllocal.ts: environment, output sinks, platform.
import type { Progress } from "../core/progress.js";

/** Injected dependencies of a jllocal command (tests can run commands in-process with their own). */
export interface LocalContext {
  env: Record<string, string | undefined>;
  /** Write one result line to stdout. */
  out: (line: string) => void;
  /** Write one diagnostic line to stderr. */
  err: (line: string) => void;
  /** Progress on stderr: a live line on a TTY, elsewhere only the lines that say something new. */
  progress: Progress;
  platform: NodeJS.Platform;
  version: string;
}
