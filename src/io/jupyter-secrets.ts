// The instance's login-cookie secret (a 0600 file in the 0700 instance dir) and Jupyter's runtime dir, kept private.
import { randomHex } from "./random.js";
import { lstatSync, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { jupyterRuntimeDir, runtimeLeftoverNames } from "../core/jupyter-paths.js";
import { writeFileAtomic } from "./atomic-file.js";
import { readPrivateFile } from "./private-file.js";

/** The cookie secret file of an instance dir. */
export function cookieSecretPath(instanceDir: string): string {
  return join(instanceDir, "cookie-secret");
}

/** A fresh secret: every login cookie signed with the old one stops opening the instance. */
export function rotateCookieSecret(file: string): void {
  // No fsync before Jupyter's spawn: a secret a power cut lost or truncated is not one ensureCookieSecret keeps.
  writeFileAtomic(file, randomHex(32), 0o600, false);
}

/** Keep a trusted existing secret (a crash restart keeps the tab logged in); make a new one otherwise. */
export function ensureCookieSecret(file: string): void {
  let ok = false;
  try {
    const read = readPrivateFile(file);
    ok = read.kind === "ok" && /^[0-9a-f]{64}$/.test(read.text);
  } catch {
    ok = false;
  }
  if (!ok) rotateCookieSecret(file);
}

/** The private runtime dir jlremote gives Jupyter when the user's one may be read by others. */
function privateRuntimeDir(instanceDir: string): string {
  return join(instanceDir, "runtime");
}

/** Is this runtime dir ours and closed to group and others (absent: Jupyter creates it 0700)? */
function isPrivateDir(dir: string, uid = process.getuid?.()): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return true;
  }
}

/**
 * The environment Jupyter and the supervisor use: the user's runtime dir when it is private, else the instance's own
 * (0700), so no token or kernel key file ever lands where another user may list or read it.
 */
export function withPrivateRuntime(
  env: Record<string, string | undefined>,
  instanceDir: string,
): Record<string, string | undefined> {
  const dir = jupyterRuntimeDir(env, env.HOME || homedir(), process.platform);
  if (isPrivateDir(dir)) return env;
  const own = privateRuntimeDir(instanceDir);
  mkdirSync(own, { recursive: true, mode: 0o700 });
  return { ...env, JUPYTER_RUNTIME_DIR: own };
}

/** Remove what a Jupyter that can no longer clean up (SIGKILL, crash) left in the runtime dir under its PID. */
export function removeRuntimeLeftovers(env: Record<string, string | undefined>, pid: number): string[] {
  const dir = jupyterRuntimeDir(env, env.HOME || homedir(), process.platform);
  const names = new Set(runtimeLeftoverNames(pid));
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const e of entries) {
    if (!names.has(e)) continue;
    try {
      unlinkSync(join(dir, e));
      removed.push(e);
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}
