// Talks to the systemd user manager (`systemctl --user`) and logind (`loginctl`), always with argv arrays and timeouts.
import { existsSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import type { Linger } from "../core/linger.js";
import { runCommand } from "./run-command.js";

/** Outcome of one systemctl/loginctl run. */
export interface CtlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Whether the user manager answers, and why not. */
export type ManagerCheck = { ok: true } | { ok: false; why: string };

/**
 * The environment systemctl --user needs: XDG_RUNTIME_DIR finds the manager's socket. Over a plain `ssh host cmd`
 * it may be unset although the manager runs, so /run/user/UID is used when it exists and is ours.
 */
function managerEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, SYSTEMD_PAGER: "", SYSTEMD_COLORS: "0", LC_ALL: "C" };
  const uid = process.getuid?.();
  if (!out.XDG_RUNTIME_DIR && uid !== undefined) {
    const dir = `/run/user/${uid}`;
    try {
      if (statSync(dir).uid === uid) out.XDG_RUNTIME_DIR = dir;
    } catch {
      // No runtime dir: systemctl will say so.
    }
  }
  return out;
}

/** Run a program with a timeout; never throws (a missing program or a timeout is a non-zero code with a message). */
async function runCtl(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<CtlResult> {
  const r = await runCommand(file, args, { env: managerEnv(env), timeoutMs });
  if (r.spawnError === "ENOENT") return { code: 127, stdout: "", stderr: `${file}: not found` };
  if (r.timedOut)
    return { code: 124, stdout: r.stdout, stderr: `${file} ${args.join(" ")}: no answer within ${timeoutMs / 1000} s` };
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.spawnError ? `${file}: ${r.spawnError}` : r.stderr };
}

/** `systemctl --user ARGS`. */
export function systemctl(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 15_000,
): Promise<CtlResult> {
  return runCtl("systemctl", ["--user", ...args], env, timeoutMs);
}

/** Is there a systemd user manager to talk to? */
export async function checkManager(env: Record<string, string | undefined>): Promise<ManagerCheck> {
  const r = await systemctl(["show", "--property=Version"], env, 10_000);
  if (r.code === 0 && /^Version=/m.test(r.stdout)) return { ok: true };
  const why = firstLine(r.stderr) || `systemctl --user exited ${r.code}`;
  return { ok: false, why };
}

/** Unit properties (`systemctl --user show -p A,B UNIT`) as a map. */
export async function unitProperties(
  unit: string,
  props: string[],
  env: Record<string, string | undefined>,
): Promise<Record<string, string> | null> {
  const r = await systemctl(["show", `--property=${props.join(",")}`, unit], env, 10_000);
  if (r.code !== 0) return null;
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Is lingering on for `user`? Asks logind, else looks at logind's own marker file. */
export async function lingerOf(user: string, env: Record<string, string | undefined>): Promise<Linger> {
  const r = await runCtl("loginctl", ["show-user", user, "--property=Linger"], env, 10_000);
  const m = /^Linger=(yes|no)$/m.exec(r.stdout);
  if (r.code === 0 && m) return { kind: m[1] === "yes" ? "yes" : "no" };
  if (existsSync("/var/lib/systemd/linger"))
    return { kind: existsSync(`/var/lib/systemd/linger/${user}`) ? "yes" : "no" };
  return { kind: "unknown", why: firstLine(r.stderr) || "loginctl gave no answer" };
}

/** The login name to ask logind about. */
export function loginName(env: Record<string, string | undefined>): string {
  return env.USER || env.LOGNAME || userInfo().username;
}

/** The first non-empty line of a text. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? ""
  );
}
