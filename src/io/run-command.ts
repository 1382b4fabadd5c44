// Runs a short-lived helper command (jupyter --version, systemctl, a login shell) with a deadline, never via a shell string.
import { spawn } from "node:child_process";

/** Outcome of one run; `code` is null when it did not start, timed out or died of a signal. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it did not start (e.g. ENOENT), or null. */
  spawnError: string | null;
}

/** Run `file args` with stdin closed; after `timeoutMs` its whole process group (ours, by PID) is SIGKILLed. */
export function runCommand(
  file: string,
  args: readonly string[],
  opts: { env: Record<string, string | undefined>; cwd?: string; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    // Own process group, so a timeout also ends what it started (a login shell's rc files, say).
    const child = spawn(file, [...args], {
      env: opts.env as NodeJS.ProcessEnv,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
      // Something in another session may still hold the pipes open: stop reading and answer now.
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code: null, stdout, stderr, timedOut, spawnError: null });
    }, opts.timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < 1_000_000) stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 1_000_000) stderr += d.toString();
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, timedOut, spawnError: err.code ?? err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, stdout, stderr, timedOut, spawnError: null });
    });
  });
}
