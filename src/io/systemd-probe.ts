// Is there a systemd user manager for us, and is lingering on? (`systemctl --user`, `loginctl`, with short timeouts.)
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import type { SystemdObservation } from "../core/doctor-access.js";
import { runCommand } from "./run-command.js";

function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
}

/** Probe the user manager (`systemctl --user show-environment`) and lingering (`loginctl show-user`, else /var/lib/systemd/linger). */
export async function probeSystemd(env: Record<string, string | undefined>): Promise<SystemdObservation> {
  const user = userInfo().username;
  const [mgr, linger] = await Promise.all([
    runCommand("systemctl", ["--user", "show-environment"], { env, timeoutMs: 3000 }),
    runCommand("loginctl", ["show-user", user, "--property=Linger", "--value"], { env, timeoutMs: 3000 }),
  ]);
  const managerError = mgr.code === 0 ? null
    : mgr.spawnError === "ENOENT" ? "systemctl not found"
    : mgr.timedOut ? "systemctl --user timed out"
    : firstLine(mgr.stderr) || `systemctl --user exit ${mgr.code}`;
  const said = linger.stdout.trim();
  const lingerOn = linger.code === 0 && (said === "yes" || said === "no") ? said === "yes"
    : existsSync("/var/lib/systemd/linger") ? existsSync(`/var/lib/systemd/linger/${user}`) : null;
  return { manager: mgr.code === 0, managerError, linger: lingerOn, user };
}
