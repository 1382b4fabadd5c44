// Reads the remote `jlremote status --json` / `start --json` output and derives the forward target and local URL.
import { appPath } from "./jupyter-command.js";
import { normalizeBaseUrl } from "./jupyter-paths.js";
import { START_MARKER, type ForwardTarget } from "./ssh-command.js";
import type { JupyterApp } from "./types.js";

/** The fields of the remote status object that jllocal uses. */
export interface RemoteStatus {
  name: string;
  state: string;
  host: string | null;
  elsewhere: boolean;
  port: number | null;
  socket: string | null;
  token: string | null;
  app: JupyterApp | null;
  /** Jupyter's base_url ("/" when the remote does not say). */
  baseUrl: string;
  /** When the remote verified that the TCP listener is its Jupyter's; null: not verified (never probe through it). */
  listenerVerifiedAt: string | null;
  reason: string | null;
  /** A batch job's Jupyter listens on its node's address (forwarded from the login node); null: 127.0.0.1. */
  listenHost: string | null;
  jobId: string | null;
  node: string | null;
  secondsLeft: number | null;
  endsAt: string | null;
  walltimeWarningAt: string | null;
  /** Why the remote last replaced its token and cookie secret (its TCP port moved), or null. */
  credentialsReason: string | null;
}

/** Parse the last JSON object line of `stdout` (login-shell noise before it is ignored); null if there is none. */
export function parseRemoteStatus(stdout: string): RemoteStatus | null {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("{"));
  for (let i = lines.length - 1; i >= 0; i--) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(lines[i] as string) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (o === null || typeof o !== "object" || typeof o.state !== "string") continue;
    const app = o.app === "lab" || o.app === "notebook" || o.app === "server" ? o.app : null;
    return {
      name: typeof o.name === "string" ? o.name : "",
      state: o.state,
      host: typeof o.host === "string" ? o.host : null,
      elsewhere: o.elsewhere === true,
      port: typeof o.port === "number" && Number.isInteger(o.port) ? o.port : null,
      socket: typeof o.socket === "string" && o.socket !== "" ? o.socket : null,
      token: typeof o.token === "string" && o.token !== "" ? o.token : null,
      app,
      baseUrl: typeof o.baseUrl === "string" && o.baseUrl.startsWith("/") ? normalizeBaseUrl(o.baseUrl) : "/",
      listenerVerifiedAt:
        typeof o.listenerVerifiedAt === "string" && o.listenerVerifiedAt !== "" ? o.listenerVerifiedAt : null,
      reason: typeof o.reason === "string" ? o.reason : null,
      credentialsReason: rotationReason(o.credentialsRotated),
      listenHost: typeof o.listenHost === "string" && /^[0-9A-Za-z.:-]+$/.test(o.listenHost) ? o.listenHost : null,
      jobId: typeof o.jobId === "string" ? o.jobId : null,
      node: typeof o.node === "string" ? o.node : null,
      secondsLeft: typeof o.secondsLeft === "number" ? o.secondsLeft : null,
      endsAt: typeof o.endsAt === "string" && !Number.isNaN(Date.parse(o.endsAt)) ? o.endsAt : null,
      walltimeWarningAt: typeof o.walltimeWarningAt === "string" ? o.walltimeWarningAt : null,
    };
  }
  return null;
}

/** Is the remote Jupyter up and usable through a tunnel (running, with a token and a port or socket)? */
export function isUsable(s: RemoteStatus): boolean {
  return (
    (s.state === "running" || s.state === "unsupervised") && s.token !== null && (s.port !== null || s.socket !== null)
  );
}

/**
 * Has the stdout of a remote status (or status-or-start) so far already said all it will: a complete status line (after
 * START_MARKER when there is one) of an instance running here? jllocal then goes on without waiting for ssh's end (the
 * remote process's exit and the channel's close over the master: ~20 ms).
 */
export function finalAnswer(stdout: string): boolean {
  // The marker as a line of its own (a path in the status before it could hold the same text).
  const at = `\n${stdout}`.indexOf(`\n${START_MARKER}\n`);
  const after = at >= 0 ? stdout.slice(at + START_MARKER.length + 1) : stdout;
  const complete = after.slice(0, after.lastIndexOf("\n") + 1);
  const s = parseRemoteStatus(complete);
  return s !== null && s.state === "running" && !s.elsewhere && isUsable(s);
}

/** May the token go through a tunnel to this instance? A TCP port needs a listener the remote verified as its Jupyter's. */
export function isVerified(s: RemoteStatus): boolean {
  return s.socket !== null || s.listenerVerifiedAt !== null;
}

/** Where to forward to: the unix socket when the status has one, else the TCP port. */
export function forwardTarget(s: Pick<RemoteStatus, "port" | "socket" | "listenHost">): ForwardTarget | null {
  if (s.socket !== null) return { socket: s.socket };
  if (s.port !== null) return s.listenHost !== null ? { port: s.port, host: s.listenHost } : { port: s.port };
  return null;
}

/** Same remote end? */
export function sameTarget(a: ForwardTarget, b: ForwardTarget): boolean {
  return "socket" in a
    ? "socket" in b && a.socket === b.socket
    : "port" in b && a.port === b.port && (a.host ?? null) === (b.host ?? null);
}

/** The URL to open locally: the app's path (/lab, /tree, /) on the local port, with the token. */
export function localUrl(app: JupyterApp | null, localPort: number, token: string, baseUrl = "/"): string {
  return `http://127.0.0.1:${localPort}${appPath(app ?? "server", baseUrl)}?token=${encodeURIComponent(token)}`;
}

/** A warning for a batch job with little time left (after the scheduler's walltime warning, or under 10 minutes), or null. */
export function timeLeftWarning(s: RemoteStatus): string | null {
  if (s.jobId === null || s.secondsLeft === null) return null;
  if (s.walltimeWarningAt === null && s.secondsLeft >= 600) return null;
  const left = s.secondsLeft < 120 ? `${s.secondsLeft} s` : `${Math.floor(s.secondsLeft / 60)} min`;
  return `warning: job ${s.jobId}${s.node ? ` on ${s.node}` : ""} reaches its time limit in ${left}; save your work`;
}

/** The reason of a status's `credentialsRotated` object, or null. */
function rotationReason(v: unknown): string | null {
  if (typeof v !== "object" || v === null) return null;
  const reason = (v as Record<string, unknown>).reason;
  return typeof reason === "string" ? reason : null;
}

/** What jllocal says when the instance it forwarded to moved or got new credentials; null when nothing changed. */
export function movedNotice(
  prev: { target: ForwardTarget; token: string } | null,
  status: Pick<RemoteStatus, "name" | "token" | "credentialsReason">,
  target: ForwardTarget,
  host: string,
): string | null {
  if (prev === null || (sameTarget(prev.target, target) && prev.token === status.token)) return null;
  const where = "socket" in target ? "its unix socket" : `port ${target.port}`;
  const why = status.credentialsReason ? ` (${status.credentialsReason})` : "";
  return `'${status.name}' on ${host} now listens on ${where}${prev.token !== status.token ? " with a new token" : ""}${why}; the tunnel was re-pointed: use the new URL (old tabs must reload it)`;
}
