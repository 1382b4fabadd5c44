// Exit codes and the one error type every layer throws; only src/cli.ts turns them into a process exit code.

/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notRunning: 3,
  elsewhere: 4,
  /** Interrupted (Ctrl-C) while waiting, e.g. for a queued batch job (which is then cancelled). */
  interrupted: 130,
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

/** The stderr lines and exit code for an error that reached an entry point (`prog`: jlremote or jllocal). */
export function errorOutcome(prog: string, err: unknown): { lines: string[]; exitCode: ExitCode } {
  if (err instanceof JlremoteError) {
    return { lines: err.detail ? [`${prog}: ${err.message}`, err.detail] : [`${prog}: ${err.message}`], exitCode: err.exitCode };
  }
  const e = err as NodeJS.ErrnoException;
  const what = `${e?.message ?? String(err)}${e?.code ? ` (${e.code})` : ""}`;
  return { lines: [`${prog}: unexpected error: ${what}; please report it`], exitCode: ExitCode.failure };
}
