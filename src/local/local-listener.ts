// On Linux, checks that a local forward port is held by our ssh master before the token goes to it.
import { existsSync } from "node:fs";
import type { ProcessIdentity } from "../core/types.js";
import { checkListener, describeHolder, portHolder } from "../io/listener-owner.js";

/** Null when the local port is our master's (or /proc/net is not there to tell, e.g. macOS), else why not. */
export function localListenerProblem(port: number, master: ProcessIdentity): string | null {
  if (!existsSync("/proc/net/tcp")) return null;
  const v = checkListener(port, master);
  if (v.kind === "ours") return null;
  return v.kind === "none"
    ? `nothing listens on local port ${port}`
    : `local port ${port} is held by another process (${describeHolder(v.holder)}), not by the ssh master`;
}

/**
 * The warning when a tunnel's local URL moved off its recorded port (that port was taken or lost): a tab still open
 * there sends its requests, and the browser's cookies for 127.0.0.1, to whatever listens on it now. Null: not moved.
 * `renewed`: the instance's credentials were replaced because another user held that port.
 */
export function localPortMoved(before: number, now: number, master: ProcessIdentity, renewed = false): string | null {
  if (before === now) return null;
  const why = localListenerProblem(before, master) ?? "it is no longer forwarded";
  const creds = renewed
    ? "; the instance's token and login-cookie secret were replaced, since a tab there may have sent them to it"
    : "";
  return `the local URL moved from port ${before} to ${now} (${why})${creds}; close browser tabs still open on port ${before}`;
}

/**
 * Who holds local port `port`, when it is a process of another user (Linux: /proc/net; null elsewhere): a browser tab
 * still open on that port sends it the instance's login cookie (cookies for 127.0.0.1 go to every port).
 */
export function otherUserOn(port: number): string | null {
  if (!existsSync("/proc/net/tcp")) return null;
  const h = portHolder(port);
  return h !== null && h.uid !== process.getuid?.() ? describeHolder(h) : null;
}
