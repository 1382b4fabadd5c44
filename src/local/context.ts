// What every jllocal command receives from src/jllocal.ts: environment, output sinks, platform.

/** Injected dependencies of a jllocal command (tests can run commands in-process with their own). */
export interface LocalContext {
  env: Record<string, string | undefined>;
  /** Write one result line to stdout. */
  out: (line: string) => void;
  /** Write one diagnostic line to stderr. */
  err: (line: string) => void;
  platform: NodeJS.Platform;
  version: string;
}
