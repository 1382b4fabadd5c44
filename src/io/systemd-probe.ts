// Doctor's view of systemd: does a user manager answer, and is lingering on? (Uses the service's own systemctl probes.)
import type { SystemdObservation } from "../core/doctor-access.js";
import { checkManager, lingerOf, loginName } from "./systemctl.js";

/** Probe the user manager and lingering the same way `jlremote service install` does. */
export async function probeSystemd(env: Record<string, string | undefined>): Promise<SystemdObservation> {
  const user = loginName(env);
  const [mgr, linger] = await Promise.all([checkManager(env), lingerOf(user, env)]);
  return {
    manager: mgr.ok,
    managerError: mgr.ok ? null : mgr.why,
    linger: linger.kind === "unknown" ? null : linger.kind === "yes",
    user,
  };
}
