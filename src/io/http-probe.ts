// Probes Jupyter's /api/status with the token, over TCP or a unix socket, always with a timeout.

/** Where Jupyter listens. */
export type Endpoint = { port: number } | { socket: string };

/** HTTP status of GET <baseUrl>api/status (with `Authorization: token`), or 0 when it did not answer in time. */
export async function probeStatus(endpoint: Endpoint, token: string | null, timeoutMs = 2000, baseUrl = "/"): Promise<number> {
  // Loaded on first use: `status` probes only an unsupervised Jupyter, and node:http costs startup time.
  const { request } = await import("node:http");
  return new Promise((resolve) => {
    const headers: Record<string, string> = token ? { Authorization: `token ${token}` } : {};
    const target = "socket" in endpoint
      ? { socketPath: endpoint.socket }
      : { host: "127.0.0.1", port: endpoint.port };
    const req = request({ ...target, path: `${baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`}api/status`, method: "GET", headers, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end();
  });
}
