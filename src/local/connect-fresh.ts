// The full path of `jllocal [HOST]`, under the host lock: the master (opened with the one login when there is none),
// the remote status and start over it, the forward, the ready probe through the tunnel, and the tunnel record.
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { JlremoteError } from "../core/errors.js";
import { forwardTarget, isVerified, localUrl, timeLeftWarning, type RemoteStatus } from "../core/remote-status.js";
import type { ForwardTarget, SshTarget } from "../core/ssh-command.js";
import type { ProcessIdentity } from "../core/types.js";
import { acquireLock } from "../io/lock.js";
import type { ConnectFlags } from "./connect-flags.js";
import type { LocalContext } from "./context.js";
import { ensureForward } from "./forward.js";
import { closeMaster, ensureMaster } from "./master.js";
import { hostLockFor, localPaths } from "./paths.js";
import { deployOwnVersion } from "./deploy/deploy.js";
import { ensureRemoteRunning, type RemoteSide } from "./remote.js";
import { cancelForward } from "./ssh.js";
import { probeTunnel } from "./tunnel-probe.js";
import { readTunnel, writeTunnel, type TunnelRecord } from "./tunnel-store.js";

/** Poll <baseUrl>api/status through the tunnel until it answers 200 with the token. */
async function waitHealthy(
  status: RemoteStatus,
  port: number,
  master: ProcessIdentity,
  host: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let code = 0;
  for (;;) {
    code = await probeTunnel(status, port, master, host, 3000);
    if (code === 200) return;
    if (performance.now() > deadline) {
      throw new JlremoteError(
        `the tunnel to ${host} is up but Jupyter does not answer on 127.0.0.1:${port} (${code === 0 ? "no answer" : `HTTP ${code}`}); is forwarding allowed by that sshd? \`jllocal kill ${host}\` and retry`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `remote` that installs jllocal's own version when the remote has none (unless --no-install or --remote-cmd). */
function withInstall(t: SshTarget, remote: RemoteSide, ctx: LocalContext): RemoteSide {
  const own = remote.own;
  if (own === null || !own.probe) return remote;
  const src = {
    version: own.version,
    distDir: dirname(realpathSync(process.argv[1] ?? ".")),
    remoteNode: own.remoteNode,
    progress: process.stderr.isTTY ? (text: string) => void process.stderr.write(text) : null,
  };
  return { ...remote, install: (probe) => deployOwnVersion(t, probe, src, ctx) };
}

/** Master (opened if needed), status/start, forward, ready probe, record: under the host lock. */
export async function connectFresh(
  t: SshTarget,
  flags: ConnectFlags & { remote: RemoteSide },
  file: string,
  known: RemoteStatus | null,
  ctx: LocalContext,
): Promise<{ record: TunnelRecord; reused: boolean }> {
  const paths = localPaths(ctx.env, process.getuid?.() ?? 0);
  const release = await acquireLock(hostLockFor(paths, t.host), 120_000);
  let opened: Promise<ProcessIdentity> | null = null;
  let added: { port: number; target: ForwardTarget } | null = null;
  try {
    const master = await ensureMaster(t);
    if (master.opened) opened = master.id;
    // A new master's PID is asked (`ssh -O check`) while the status/start runs over it.
    const extra = [
      ...(flags.scheduler ? ["--scheduler", flags.scheduler] : []),
      ...(flags.sbatch !== undefined ? [`--sbatch=${flags.sbatch}`] : []),
      ...(flags.profile !== undefined ? [`--profile=${flags.profile}`] : []),
    ];
    const [masterId, status] = await Promise.all([
      master.id,
      ensureRemoteRunning(
        t,
        withInstall(t, flags.remote, ctx),
        flags.name,
        { allowed: flags.start, sock: flags.sock, extra },
        ctx,
        master.opened ? null : known,
      ),
    ]);
    const late = timeLeftWarning(status);
    if (late) ctx.err(`jllocal: ${late}`);
    const target = forwardTarget(status);
    if (target === null || status.token === null)
      throw new JlremoteError(`the remote status of '${flags.name}' has no port, socket or token`);
    if (!isVerified(status)) {
      // Whoever holds that remote port could be another user: the token goes only to a listener jlremote verified.
      throw new JlremoteError(
        `the remote jlremote has not verified that port ${status.port ?? "?"} on ${t.host} is its Jupyter's (no listenerVerifiedAt); not sending the token. Run \`jlremote status\` there (and upgrade jlremote on ${t.host} if it is older)`,
      );
    }
    const prev = readTunnel(file);
    const localPort = await ensureForward(t, masterId, target, prev, flags.localPort);
    added = { port: localPort, target };
    await waitHealthy(status, localPort, masterId, t.host);
    const record: TunnelRecord = {
      schema: 1,
      host: t.host,
      name: flags.name,
      controlPath: t.controlPath,
      sshConfig: t.sshConfig,
      master: masterId,
      localPort,
      target,
      app: status.app,
      token: status.token,
      url: localUrl(status.app, localPort, status.token, status.baseUrl),
      baseUrl: status.baseUrl,
      createdAt: prev?.createdAt ?? new Date().toISOString(),
      ...(status.jobId !== null ? { jobId: status.jobId, endsAt: status.endsAt } : {}),
    };
    writeTunnel(file, record);
    return { record, reused: !master.opened && prev?.localPort === localPort };
  } catch (err) {
    // A failed run leaves no master of its own behind (one that was already up stays for its other tunnels).
    if (opened !== null)
      await closeMaster(
        t,
        await opened.then(
          (id) => [id],
          () => [],
        ),
      );
    else if (added !== null) await cancelForward(t, added.port, added.target);
    throw err;
  } finally {
    await release();
  }
}
