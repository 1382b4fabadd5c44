// On Linux, checks that a local forward port is held by our ssh master before the token goes to it.
import { existsSync } from "node:fs";
import type { ProcessIdentity } from "../core/types.js";
import { checkListener, describeHolder } from "../io/listener-owner.js";

/** Null when the local port is our master's (or /proc/net is not there to tell, e.g. macOS), else why not. */
export function localListenerProblem(port: number, master: ProcessIdentity): string | null {
  if (!existsSync("/proc/net/tcp")) return null;
  const v = checkListener(port, master);
  if (v.kind === "ours") return null;
  return v.kind === "none"
    ? `nothing listens on local port ${port}`
    : `local port ${port} is held by another process (${describeHolder(v.holder)}), not by the ssh master`;
}
