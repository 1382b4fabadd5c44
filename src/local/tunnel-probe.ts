// The one request through a tunnel: /api/status on the local port with the instance's token.
import type { RemoteStatus } from "../core/remote-status.js";
import { rawGetStatus } from "../io/raw-http.js";

/** HTTP status of /api/status through the tunnel on `localPort` (0: no answer in time). Every jllocal probe goes here. */
export function probeTunnel(status: Pick<RemoteStatus, "token">, localPort: number, timeoutMs: number): Promise<number> {
  return rawGetStatus(localPort, "/api/status", status.token === null ? {} : { Authorization: `token ${status.token}` }, timeoutMs);
}
