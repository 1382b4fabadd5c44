// The warm path of `jllocal HOST`: the recorded tunnel, verified with one status call over the live master (none for a
// unix socket target, below), a look at who listens on the local port (/proc), and one request through the tunnel;
// nothing is changed, no `ssh -O` call.
import { existsSync } from "node:fs";
import { forwardTarget, isUsable, isVerified, sameTarget, type RemoteStatus } from "../core/remote-status.js";
import type { SshTarget } from "../core/ssh-command.js";
import { isSameLocal } from "./process-check.js";
import { remoteStatus, type RemoteSide } from "./remote.js";
import { addForward } from "./ssh.js";
import { probeTunnel } from "./tunnel-probe.js";
import type { TunnelRecord } from "./tunnel-store.js";

/** "ready": the recorded tunnel works as recorded; "changed": it must be redone, with the status just read. */
export type Reuse = { kind: "ready"; record: TunnelRecord } | { kind: "changed"; status: RemoteStatus };

/** Can the recorded tunnel be used as it is? null when its master is gone (or the status could not be read over it). */
export async function reuseTunnel(
  t: SshTarget,
  prev: TunnelRecord,
  wantedPort: number | undefined,
  remote: RemoteSide,
  name: string,
): Promise<Reuse | null> {
  if (prev.controlPath !== t.controlPath || prev.sshConfig !== t.sshConfig) return null;
  if (wantedPort !== undefined && wantedPort !== prev.localPort) return null;
  if (!isSameLocal(prev.master)) return null;
  if ("socket" in prev.target && existsSync("/proc/net/tcp")) return await socketReuse(t, prev);
  let status: RemoteStatus | null;
  try {
    status = await remoteStatus(t, remote, name);
  } catch {
    // The master went away under us, or the remote failed: the full path reports it properly.
    return null;
  }
  if (status === null) return null;
  const target = forwardTarget(status);
  const same =
    isUsable(status) &&
    isVerified(status) &&
    !status.elsewhere &&
    target !== null &&
    sameTarget(target, prev.target) &&
    status.token === prev.token &&
    status.app === prev.app &&
    status.baseUrl === (prev.baseUrl ?? "/");
  if (!same) return { kind: "changed", status };
  // No /proc to see who listens (macOS): ask the master, which re-adds the forward if it was lost (idempotent).
  if (!existsSync("/proc/net/tcp") && (await addForward(t, prev.localPort, prev.target)).exitCode !== 0)
    return { kind: "changed", status };
  // The probe first checks (Linux /proc) that the local port is our master's; anything else takes the full path.
  const code = await probeTunnel(status, prev.localPort, prev.master, t.host, 3000).catch(() => 0);
  if (code !== 200) return { kind: "changed", status };
  return { kind: "ready", record: prev };
}

/**
 * A unix socket target needs no remote status: the socket is 0600 in the remote's 0700 state dir, so only the user's
 * own processes can listen there, and a 200 to the recorded token through our master's local port (checked in /proc
 * before the token is sent) is this instance, restarted or not. Anything else: null, the full path (status, start).
 */
async function socketReuse(t: SshTarget, prev: TunnelRecord): Promise<Reuse | null> {
  const code = await probeTunnel(
    { token: prev.token, baseUrl: prev.baseUrl ?? "/" },
    prev.localPort,
    prev.master,
    t.host,
    3000,
  ).catch(() => 0);
  return code === 200 ? { kind: "ready", record: prev } : null;
}
