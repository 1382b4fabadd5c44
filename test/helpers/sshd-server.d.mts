// Types of sshd-server.mjs (plain ESM: bench/ runs it without tsx).

/** What startSshdServer sets up. */
export interface SshdServerOptions {
  /** sshd's files go under DIR/sshd. */
  dir: string;
  /** Port on 127.0.0.1. */
  port: number;
  /** The account the client blocks log in as. */
  user: string;
  /** Set in every session (SetEnv). */
  sessionEnv?: Record<string, string>;
  /** A command that execs sshd (e.g. `nsenter --mount=…`). */
  wrap?: readonly string[];
  /** Client keys to make; the first is the authorized one (default ["clientkey"]). */
  keys?: readonly string[];
  /** Make DIR/sshd 0755 (another account logs in: sshd reads its keys as it). */
  traversable?: boolean;
  /** sshd's LogLevel (default VERBOSE). */
  logLevel?: string;
  /** More sshd_config lines. */
  extra?: readonly string[];
}

/** A listening sshd: its PID, its files' directory, its log, and ssh config blocks that reach it. */
export interface SshdServer {
  pid: number;
  dir: string;
  log: string;
  hostBlock: (alias: string, key?: string, port?: number) => string;
}

/** Start sshd on 127.0.0.1; resolves once it listens, else kills it and throws. */
export function startSshdServer(opts: SshdServerOptions): Promise<SshdServer>;
