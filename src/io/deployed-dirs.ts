// What uses jllocal's installs under ~/.local/share/jlremote: this user's processes (/proc), live records of other
// hosts, systemd user units, and the node each version's launcher runs; and their removal.
import { readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { DeployedUse } from "../core/deployed-cleanup.js";
import { parseLauncher } from "../core/launcher.js";
import { DEPLOY_ROOT } from "../core/remote-lookup.js";
import { liveElsewhere } from "../core/status-report.js";
import { homeDir, stateRoot } from "./paths.js";
import { userUnitDir } from "./service-files.js";
import { readState } from "./state-file.js";

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The deploy root of this user. */
export function deployRoot(env: Record<string, string | undefined>): string {
  return join(homeDir(env), DEPLOY_ROOT);
}

/** Executable and arguments of every process of this uid (other users' /proc entries are not ours to read). */
function processPaths(): string[] {
  const uid = process.getuid?.() ?? -1;
  const out: string[] = [];
  for (const pid of list("/proc")) {
    // Not this very process: `uninstall --all` may run from a version it removes.
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    if (!new RegExp(`^Uid:\\s+${uid}\\b`, "m").test(read(`/proc/${pid}/status`))) continue;
    try {
      out.push(readlinkSync(`/proc/${pid}/exe`));
    } catch {
      /* gone */
    }
    out.push(
      ...read(`/proc/${pid}/cmdline`)
        .split("\0")
        .filter((a) => a.startsWith("/")),
    );
  }
  return out;
}

/** Everything planCleanup needs to know about the installs under `root`. */
export function observeDeployed(root: string, env: Record<string, string | undefined>): DeployedUse {
  const entries = list(root);
  const units = list(userUnitDir(env)).flatMap((f) =>
    read(join(userUnitDir(env), f))
      .split(/\s+/)
      .filter((w) => w.startsWith(root)),
  );
  const state = stateRoot(env);
  const now = Date.now();
  const liveVersions: string[] = [];
  for (const name of list(state)) {
    const r = readState(join(state, name, "state.json"));
    if (r.kind === "ok" && r.record.host !== hostname() && liveElsewhere(r.record, now))
      liveVersions.push(r.record.version);
  }
  const nodeOf: Record<string, string | null> = {};
  for (const e of entries) nodeOf[e] = parseLauncher(read(join(root, e, "bin", "jlremote")))?.node ?? null;
  return { entries, usedPaths: [...processPaths(), ...units], liveVersions, nodeOf };
}

/** Remove one install (a version or a runtime directory). */
export function removeDeployed(root: string, name: string): void {
  rmSync(join(root, name), { recursive: true, force: true });
}
