// Exit codes and the one error type every layer throws; only src/cli.ts turns them into a process exit code.

/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notRunning: 3,
  elsewhere: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error with a user-facing one-line message (with a hint) and the exit code it maps to. */
export class JlremoteError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    options?: ErrorOptions & { detail?: string },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.detail = options?.detail;
  }
  /** Extra lines (e.g. the tail of Jupyter's log) printed after the message. */
  readonly detail: string | undefined;
}

/** Shorthand for a usage error (exit 2). */
export function usageError(message: string): JlremoteError {
  return new JlremoteError(message, ExitCode.usage);
}
