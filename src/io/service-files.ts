// The unit files `service install` writes under ${XDG_CONFIG_HOME:-~/.config}/systemd/user/, and the cheap check
// `status` uses to tell a systemd-managed instance (one file read, no systemctl).
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileAtomic } from "./atomic-file.js";
import { dirname, join } from "node:path";
import { parseConditionHost, unitName } from "../core/systemd-unit.js";
import { joinPath } from "../core/path-join.js";
import { pathExists } from "./path-exists.js";
import { xdgDir } from "./paths.js";
import { hostName } from "./process-identity.js";

/** Where one instance's unit files live. */
export interface ServicePaths {
  unitDir: string;
  template: string;
  dropInDir: string;
  dropIn: string;
  /** The symlink `systemctl enable` makes (removed by hand when there is no manager to disable it). */
  wantsLink: string;
}

/** The systemd user unit directory the user manager reads. */
export function userUnitDir(env: Record<string, string | undefined>): string {
  return joinPath(xdgDir(env, "XDG_CONFIG_HOME", ".config"), "systemd", "user");
}

/** The files of the named instance's service. */
export function servicePaths(env: Record<string, string | undefined>, name: string): ServicePaths {
  const unitDir = userUnitDir(env);
  return {
    unitDir,
    template: joinPath(unitDir, "jlremote@.service"),
    dropInDir: joinPath(unitDir, `${unitName(name)}.d`),
    dropIn: joinPath(unitDir, `${unitName(name)}.d`, "options.conf"),
    wantsLink: joinPath(unitDir, "default.target.wants", unitName(name)),
  };
}

/** The installed drop-in's host, or null when the instance is not installed as a service. */
export function installedHost(env: Record<string, string | undefined>, name: string): string | null {
  try {
    const text = readIfExists(servicePaths(env, name).dropIn);
    return text === null ? null : (parseConditionHost(text) ?? hostName());
  } catch {
    return null;
  }
}

/** Is the instance installed as a systemd service for this host? (What `status` says as `managedBy`.) */
export function isServiceHere(env: Record<string, string | undefined>, name: string): boolean {
  const host = installedHost(env, name);
  return host !== null && host === hostName();
}

/** Read a file, or null when it does not exist (not installed, the usual case on status's path: no exception made). */
export function readIfExists(file: string): string | null {
  if (!pathExists(file)) return null;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Write a unit file atomically (temp + rename), mode 0600: only our own user manager reads it. No token is in it. */
export function writeUnitFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, text, 0o600);
}

/** Remove the instance's drop-in and enable link, and the template when no other instance uses it. */
export function removeServiceFiles(p: ServicePaths): string[] {
  const removed: string[] = [];
  for (const f of [p.dropInDir, p.wantsLink]) {
    if (exists(f)) {
      rmSync(f, { recursive: true, force: true });
      removed.push(f);
    }
  }
  const others = listDir(p.unitDir).filter(
    (e) => /^jlremote@.+\.service\.d$/.test(e) && exists(join(p.unitDir, e, "options.conf")),
  );
  if (others.length === 0 && exists(p.template)) {
    rmSync(p.template, { force: true });
    removed.push(p.template);
  }
  return removed;
}

/** Exists as a file, directory or (even dangling) symlink. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
