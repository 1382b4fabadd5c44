// Runs ssh for jllocal (node:child_process, nothing heavier): the master connection, commands over it, forwards, exit.
import { spawn } from "node:child_process";
import { ExitCode, JlremoteError } from "../core/errors.js";
import {
  controlArgs,
  execArgs,
  forwardArgs,
  masterArgs,
  parseMasterPid,
  type ForwardTarget,
  type SshTarget,
} from "../core/ssh-command.js";
import { describeSshFailure } from "../core/ssh-errors.js";
import { unrefWithPipes } from "../io/child-refs.js";

/** Outcome of one ssh run. */
export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Run ssh to completion (SIGKILL after `timeoutMs`); output is collected once both pipes close. With `doneAt`, it is
 * done (exit code 0) as soon as its stdout so far satisfies `doneAt`: ssh then ends on its own, unwaited for.
 */
function ssh(
  args: string[],
  timeoutMs: number,
  interactive = false,
  onStderr?: (chunk: string) => void,
  holdStdin = false,
  doneAt?: (stdout: string) => boolean,
): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    // The master may ask for a passphrase or a 2FA code (ssh uses /dev/tty); nothing else reads stdin. A held stdin
    // is a pipe never written to: when jllocal ends (Ctrl-C), the remote command reads EOF.
    const child = spawn("ssh", args, {
      stdio: [interactive ? "inherit" : holdStdin ? "pipe" : "ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let exitCode: number | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let early = false;
    child.stdout?.on("data", (d: Buffer) => {
      out.push(d);
      if (early || doneAt === undefined) return;
      const stdout = Buffer.concat(out).toString();
      if (!doneAt(stdout)) return;
      early = true;
      clearTimeout(timer);
      resolve({ exitCode: 0, stdout, stderr: Buffer.concat(err).toString(), timedOut: false });
      // Its end keeps nothing waiting (jllocal may exit first: ssh then reads no more and ends).
      unrefWithPipes(child);
    });
    child.stderr?.on("data", (d: Buffer) => {
      err.push(d);
      if (!early) onStderr?.(d.toString());
    });
    child.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === "ENOENT"
          ? new JlremoteError("ssh not found on PATH; install the OpenSSH client", ExitCode.failure)
          : e,
      );
    });
    const finish = () => {
      clearTimeout(timer);
      resolve({
        exitCode: exitCode ?? 255,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        timedOut,
      });
    };
    child.once("close", (code) => {
      exitCode ??= code;
      finish();
    });
    // A background child of ssh that kept the pipes (never ours: `ssh -f` points them at /dev/null) must not hold us up.
    child.once("exit", (code) => {
      exitCode = code;
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 200).unref();
    });
  });
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
    throw new JlremoteError(
      describeSshFailure(t.host, r.exitCode, r.timedOut ? "timed out" : r.stderr),
      ExitCode.failure,
    );
  }
}

/** `ssh -G HOST`: the settings ssh would use for the target (its config file applied), or null when ssh refuses. */
export async function effectiveConfig(t: SshTarget): Promise<string | null> {
  const r = await ssh([...(t.sshConfig === null ? [] : ["-F", t.sshConfig]), "-G", "--", t.host], 10_000);
  return r.exitCode === 0 ? r.stdout : null;
}

/** Run a remote command line over the master (done early when its stdout satisfies `doneAt`: see ssh()). */
export function runRemote(
  t: SshTarget,
  command: string,
  timeoutMs: number,
  onStderr?: (chunk: string) => void,
  holdStdin = false,
  doneAt?: (stdout: string) => boolean,
): Promise<SshResult> {
  return ssh(execArgs(t, command), timeoutMs, false, onStderr, holdStdin, doneAt);
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
