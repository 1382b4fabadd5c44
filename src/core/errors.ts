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

/**
 * Marks a JlremoteError made by any copy of this module: the bundle's boot has one of its own (src/boot.ts), whose
 * errors (a command tree's section missing from a damaged copy) reach the main code's entry, where `instanceof` fails.
 */
const JLREMOTE_ERROR = Symbol.for("jlremote.error");

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
    (this as Record<symbol, unknown>)[JLREMOTE_ERROR] = true;
  }
  /** Extra lines (e.g. the tail of Jupyter's log) printed after the message. */
  readonly detail: string | undefined;
}

/** A JlremoteError of this copy of the module or another's (see JLREMOTE_ERROR). */
function isJlremoteError(err: unknown): err is JlremoteError {
  return (
    err instanceof JlremoteError ||
    (typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[JLREMOTE_ERROR] === true)
  );
}

/** Shorthand for a usage error (exit 2). */
export function usageError(message: string): JlremoteError {
  return new JlremoteError(message, ExitCode.usage);
}

const storageErrors: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
};

/** Is this a full disk, an exceeded quota or a read-only file system (retrying cannot help)? */
export function isStorageError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && Object.hasOwn(storageErrors, code);
}

/** One line for a file-system error: `no space left on device: PATH (ENOSPC)`, else the error's own message. */
export function fsErrorText(err: unknown, fallbackPath?: string): string {
  const e = err as NodeJS.ErrnoException | null;
  const code = e?.code;
  if (typeof code === "string" && Object.hasOwn(storageErrors, code))
    return `${storageErrors[code]}: ${e?.path ?? fallbackPath ?? "?"} (${code})`;
  return e?.message ?? String(err);
}

/** The stderr lines and exit code for an error that reached an entry point (`prog`: jlremote or jllocal). */
export function errorOutcome(prog: string, err: unknown): { lines: string[]; exitCode: ExitCode } {
  if (isJlremoteError(err)) {
    return {
      lines: err.detail ? [`${prog}: ${err.message}`, err.detail] : [`${prog}: ${err.message}`],
      exitCode: err.exitCode,
    };
  }
  if (isStorageError(err))
    return {
      lines: [`${prog}: ${fsErrorText(err)}; free some space (or ask for more quota) and try again`],
      exitCode: ExitCode.failure,
    };
  const e = err as NodeJS.ErrnoException;
  const what = `${e?.message ?? String(err)}${e?.code ? ` (${e.code})` : ""}`;
  return { lines: [`${prog}: unexpected error: ${what}; please report it`], exitCode: ExitCode.failure };
}
