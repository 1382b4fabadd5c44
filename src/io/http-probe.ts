// Probes Jupyter's /api/status with the token, over TCP or a unix socket, always with a timeout.
import { rawGetStatus, type Endpoint } from "./raw-http.js";

export type { Endpoint } from "./raw-http.js";

/** HTTP status of GET <baseUrl>api/status (with `Authorization: token`), or 0 when it did not answer in time. */
export function probeStatus(
  endpoint: Endpoint,
  token: string | null,
  timeoutMs = 2000,
  baseUrl = "/",
): Promise<number> {
  const headers: Record<string, string> = token ? { Authorization: `token ${token}` } : {};
  return rawGetStatus(endpoint, `${baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`}api/status`, headers, timeoutMs);
}
