// Runs ssh (through execa) for jllocal: the master connection, commands over it, forwards, and its exit.
import { execa } from "execa";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { controlArgs, execArgs, forwardArgs, masterArgs, parseMasterPid, type ForwardTarget, type SshTarget } from "../core/ssh-command.js";
import { describeSshFailure } from "../core/ssh-errors.js";

/** Outcome of one ssh run. */
export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

async function ssh(args: string[], timeoutMs: number, interactive = false, onStderr?: (chunk: string) => void): Promise<SshResult> {
  const child = execa("ssh", args, {
    reject: false,
    timeout: timeoutMs,
    // The master may ask for a passphrase or a 2FA code (ssh uses /dev/tty); nothing else reads stdin.
    stdin: interactive ? "inherit" : "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  if (onStderr) child.stderr?.on("data", (d: Buffer) => onStderr(d.toString()));
  const r = await child;
  if ((r as { code?: string }).code === "ENOENT") {
    throw new JlremoteError("ssh not found on PATH; install the OpenSSH client", ExitCode.failure);
  }
  return { exitCode: r.exitCode ?? 255, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? ""), timedOut: Boolean(r.timedOut) };
}

/** The PID of our live master for this target, or null when there is none (or its socket is stale). */
export async function checkMaster(t: SshTarget): Promise<number | null> {
  const r = await ssh(controlArgs(t, "check"), 10_000);
  return r.exitCode === 0 ? parseMasterPid(r.stderr) : null;
}

/** Open the master connection: the one authentication of a jllocal run. Throws with ssh's reason. */
export async function openMaster(t: SshTarget): Promise<void> {
  const r = await ssh(masterArgs(t), 300_000, true);
  if (r.exitCode !== 0 || r.timedOut) {
    throw new JlremoteError(describeSshFailure(t.host, r.exitCode, r.timedOut ? "timed out" : r.stderr), ExitCode.failure);
  }
}

/** Run a remote command line over the master. */
export function runRemote(t: SshTarget, command: string, timeoutMs: number, onStderr?: (chunk: string) => void): Promise<SshResult> {
  return ssh(execArgs(t, command), timeoutMs, false, onStderr);
}

/** Add a local forward on the master; exit code 0 on success (255 e.g. when the local port is busy). */
export function addForward(t: SshTarget, localPort: number, target: ForwardTarget): Promise<SshResult> {
  return ssh(forwardArgs(t, "forward", localPort, target), 15_000);
}

/** Remove a local forward from the master (best effort). */
export function cancelForward(t: SshTarget, localPort: number, target: ForwardTarget): Promise<SshResult> {
  return ssh(forwardArgs(t, "cancel", localPort, target), 15_000);
}

/** Ask the master to exit. */
export function exitMaster(t: SshTarget): Promise<SshResult> {
  return ssh(controlArgs(t, "exit"), 15_000);
}
