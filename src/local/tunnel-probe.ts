// The one request through a tunnel: <baseUrl>api/status on the local port with the instance's token, sent only when
// the local port is our master's (another local user could hold a freed one).
import { JlremoteError } from "../core/errors.js";
import type { RemoteStatus } from "../core/remote-status.js";
import type { ProcessIdentity } from "../core/types.js";
import { rawGetStatus } from "../io/raw-http.js";
import { localListenerProblem } from "./local-listener.js";
import { monotonicMs } from "../io/clock.js";

/**
 * HTTP status of <baseUrl>api/status through the tunnel on `localPort` (0: no answer in time, or nothing of ours
 * listens there yet); throws when another process holds the port. Every jllocal probe with the token goes here.
 */
export async function probeTunnel(
  status: Pick<RemoteStatus, "token" | "baseUrl">,
  localPort: number,
  master: ProcessIdentity,
  host: string,
  timeoutMs: number,
): Promise<number> {
  const problem = localListenerProblem(localPort, master);
  if (problem?.includes("another process")) {
    throw new JlremoteError(
      `${problem}; not sending the token. \`jllocal kill ${host}\` and retry with another --local-port`,
    );
  }
  if (problem !== null) return 0;
  const base = status.baseUrl.endsWith("/") ? status.baseUrl : `${status.baseUrl}/`;
  return rawGetStatus(
    localPort,
    `${base}api/status`,
    status.token === null ? {} : { Authorization: `token ${status.token}` },
    timeoutMs,
  );
}

/** Poll <baseUrl>api/status through the tunnel until it answers 200 with the token. */
export async function waitHealthy(
  status: RemoteStatus,
  port: number,
  master: ProcessIdentity,
  host: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = monotonicMs() + timeoutMs;
  let code = 0;
  for (;;) {
    code = await probeTunnel(status, port, master, host, 3000);
    if (code === 200) return;
    if (monotonicMs() > deadline) {
      throw new JlremoteError(
        `the tunnel to ${host} is up but Jupyter does not answer on 127.0.0.1:${port} (${code === 0 ? "no answer" : `HTTP ${code}`}); is forwarding allowed by that sshd? \`jllocal kill ${host}\` and retry`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
