// Reproduces what `ssh host CMD` runs: the login shell with `-c CMD`, sshd's environment, no tty.
import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { runCommand, type CommandResult } from "./run-command.js";

/** The PATH Debian's sshd gives a session when /etc/environment sets none. */
const SSHD_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/games";

/** The PATH sshd starts a session with: $JLREMOTE_SSH_PATH, else PATH in /etc/environment (pam_env), else sshd's default. */
function sshBasePath(env: Record<string, string | undefined>): string {
  if (env.JLREMOTE_SSH_PATH) return env.JLREMOTE_SSH_PATH;
  try {
    const m = /^\s*PATH=["']?([^"'\n]*)["']?\s*$/m.exec(readFileSync("/etc/environment", "utf8"));
    if (m?.[1]) return m[1];
  } catch {
    /* no /etc/environment */
  }
  return SSHD_DEFAULT_PATH;
}

/** The user's login shell from the password database (what sshd runs), /bin/sh when unknown. */
export function loginShell(): string {
  try {
    return userInfo().shell || "/bin/sh";
  } catch {
    return "/bin/sh";
  }
}

/** The environment sshd gives a non-interactive session; SSH_CLIENT makes bash read ~/.bashrc as it does under sshd. */
function sshSessionEnv(env: Record<string, string | undefined>): Record<string, string> {
  const me = userInfo();
  const out: Record<string, string> = {
    HOME: env.HOME || me.homedir,
    USER: me.username,
    LOGNAME: me.username,
    SHELL: loginShell(),
    PATH: sshBasePath(env),
    SSH_CLIENT: "127.0.0.1 22 22",
    SSH_CONNECTION: "127.0.0.1 22 127.0.0.1 22",
  };
  // Debian's sshd accepts the client's LANG (AcceptEnv); nothing else of ours reaches the session.
  if (env.LANG) out.LANG = env.LANG;
  return out;
}

/** Run `command` as `ssh host command` would on this machine (login shell -c, ssh's environment, in HOME). */
export function runLikeSsh(
  command: string,
  env: Record<string, string | undefined>,
  timeoutMs = 5000,
): Promise<CommandResult> {
  const sessionEnv = sshSessionEnv(env);
  const cwd = existsSync(sessionEnv.HOME as string) ? sessionEnv.HOME : "/";
  return runCommand(loginShell(), ["-c", command], { env: sessionEnv, cwd, timeoutMs });
}

/** The PATH a non-interactive ssh command sees, and whether it was observed (else: sshd's base PATH, with why). */
export interface SshPath {
  path: string;
  shell: string;
  observed: boolean;
  note: string | null;
}

/** Ask the login shell, started like sshd starts it, for its PATH (its rc files may add to it). */
export async function nonInteractivePath(env: Record<string, string | undefined>): Promise<SshPath> {
  const shell = loginShell();
  const r = await runLikeSsh("env", env);
  const line = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("PATH="))
    .pop();
  if (r.code === 0 && line !== undefined) return { path: line.slice(5), shell, observed: true, note: null };
  const why = r.timedOut ? "timed out" : (r.spawnError ?? `exit ${r.code}`);
  return {
    path: sshBasePath(env),
    shell,
    observed: false,
    note: `could not run ${shell} -c env like sshd (${why}); assuming sshd's PATH`,
  };
}
