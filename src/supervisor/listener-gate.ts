// Decides whether a request carrying the token may go to Jupyter's endpoint now: only to a verified listener of ours.
import type { ProcessIdentity } from "../core/types.js";
import type { Endpoint } from "../io/http-probe.js";
import { checkListener, describeHolder } from "../io/listener-owner.js";
import { readBaseUrl } from "../io/runtime-info.js";
import { distrustSocket } from "../io/socket-file.js";

/** Either where to send the token (endpoint and base_url), or why not. */
export type Gate = { ok: true; endpoint: Endpoint; baseUrl: string } | { ok: false; why: string; foreign: boolean };

/** Checks for one Jupyter process; base_url is read from its info file once that appears. */
export function listenerGate(
  jupyter: ProcessIdentity,
  where: { port: number | null; socket: string | null; host?: string | null },
  env: Record<string, string | undefined>,
): () => Gate {
  let baseUrl: string | null = null;
  return () => {
    baseUrl ??= readBaseUrl(env, jupyter.pid);
    if (where.socket !== null) {
      const why = distrustSocket(where.socket);
      return why === null
        ? { ok: true, endpoint: { socket: where.socket }, baseUrl: baseUrl ?? "/" }
        : { ok: false, why, foreign: false };
    }
    const port = where.port ?? 0;
    // A batch job's Jupyter listens on its node's address: verified the same way, on that address.
    const host = where.host ?? "127.0.0.1";
    const v = checkListener(port, jupyter, host);
    if (v.kind === "ours")
      return { ok: true, endpoint: host === "127.0.0.1" ? { port } : { port, host }, baseUrl: baseUrl ?? "/" };
    if (v.kind === "none") return { ok: false, why: `nothing listens on ${host}:${port} yet`, foreign: false };
    return {
      ok: false,
      why: `port ${port} is held by another process (${describeHolder(v.holder)}), not by Jupyter pid ${jupyter.pid}`,
      foreign: true,
    };
  };
}
