// The full path of `jllocal [HOST]`, under the host lock: the master (opened with the one login when there is none),
// the remote status and start over it, the forward, the ready probe through the tunnel, and the tunnel record.
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { JlremoteError } from "../core/errors.js";
import {
  forwardTarget,
  isVerified,
  localUrl,
  movedNotice,
  sameTarget,
  timeLeftWarning,
  type RemoteStatus,
} from "../core/remote-status.js";
import type { SshTarget } from "../core/ssh-command.js";
import type { ProcessIdentity } from "../core/types.js";
import { acquireLock } from "../io/lock.js";
import type { ConnectFlags } from "./connect-flags.js";
import type { LocalContext } from "./context.js";
import { ensureForward } from "./forward.js";
import { closeMaster, ensureMaster } from "./master.js";
import { hostLockFor, localPaths } from "./paths.js";
import { deployOwnVersion } from "./deploy/deploy.js";
import { EarlyForward, previousOn, type Forward } from "./forward-steps.js";
import { closeHop, openHop } from "./hop.js";
import { ensureRemoteRunning, renewRemoteCredentials, RunsElsewhere, type RemoteSide } from "./remote.js";
import { cancelForward } from "./ssh.js";
import { localPortMoved, otherUserOn } from "./local-listener.js";
import { waitHealthy } from "./tunnel-probe.js";
import { readTunnel, writeTunnel, type TunnelRecord } from "./tunnel-store.js";

/** `remote` that installs jllocal's own version when the remote has none (unless --no-install or --remote-cmd). */
function withInstall(t: SshTarget, remote: RemoteSide, ctx: LocalContext): RemoteSide {
  const own = remote.own;
  if (own === null || !own.probe) return remote;
  const src = {
    version: own.version,
    distDir: dirname(realpathSync(process.argv[1] ?? ".")),
    remoteNode: own.remoteNode,
    progress: ctx.progress,
  };
  return { ...remote, install: (probe) => deployOwnVersion(t, probe, src, ctx) };
}

/** Master (opened if needed), status/start (through a hop to the login node that runs it), forward, probe, record. */
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
  let hopOpened: { t: SshTarget; id: Promise<ProcessIdentity> } | null = null;
  let added: Forward | null = null;
  let early: EarlyForward | null = null;
  try {
    const master = await ensureMaster(t);
    if (master.opened) opened = master.id;
    // Another user holds the local port the last URL named: a tab open there may have sent it the login cookie and
    // token. New ones are asked for before any forward makes the instance reachable again (no early forward then).
    const prev = readTunnel(file);
    const taker = prev !== null ? otherUserOn(prev.localPort) : null;
    const ahead = new EarlyForward(t, master.id, file, flags.localPort);
    early = ahead;
    // A new master's PID is asked (`ssh -O check`) while the status/start runs over it.
    const extra = [
      ...(flags.scheduler ? ["--scheduler", flags.scheduler] : []),
      ...(flags.sbatch !== undefined ? [`--sbatch=${flags.sbatch}`] : []),
      ...(flags.qsub !== undefined ? [`--qsub=${flags.qsub}`] : []),
      ...(flags.profile !== undefined ? [`--profile=${flags.profile}`] : []),
    ];
    const statusOn = (on: SshTarget, seen: RemoteStatus | null) =>
      ensureRemoteRunning(
        on,
        withInstall(on, flags.remote, ctx),
        flags.name,
        { allowed: flags.start, sock: flags.sock, extra, ...(on === t && taker === null ? { early: ahead.add } : {}) },
        ctx,
        seen,
      );
    const [masterId, direct] = await Promise.all([
      master.id,
      statusOn(t, master.opened ? null : known).then(
        (status) => ({ status, elsewhere: null }),
        (err: unknown) => {
          if (err instanceof RunsElsewhere) return { status: null, elsewhere: err };
          throw err;
        },
      ),
    ]);
    // Another login node of a round-robin name runs it: a second master there, through this one.
    let hop: { t: SshTarget; id: ProcessIdentity } | null = null;
    let status = direct.status;
    if (direct.elsewhere !== null) {
      const h = await openHop(t, direct.elsewhere, paths, ctx);
      if (h.opened) hopOpened = h;
      status = await statusOn(h.t, null).catch((err: unknown) => {
        // The name it recorded reached a host that is not the one it runs on: no third hop.
        if (err instanceof RunsElsewhere)
          throw new JlremoteError(
            `instance '${flags.name}' runs on host ${err.runsOn ?? "?"}, but ${h.t.host} reached through ${t.host} is another host; run jllocal against the host it runs on`,
          );
        throw err;
      });
      hop = { t: h.t, id: await h.id };
    }
    if (status === null) throw new JlremoteError(`no status of '${flags.name}' from ${t.host}`);
    const on = hop?.t ?? t;
    const onId = hop?.id ?? masterId;
    if (taker !== null) status = await renewRemoteCredentials(on, withInstall(on, flags.remote, ctx), flags.name);
    const late = timeLeftWarning(status);
    if (late) ctx.err(`jllocal: ${late}`);
    const target = forwardTarget(status);
    if (target === null || status.token === null)
      throw new JlremoteError(`the remote status of '${flags.name}' has no port, socket or token`);
    if (!isVerified(status)) {
      // Whoever holds that remote port could be another user: the token goes only to a listener jlremote verified.
      throw new JlremoteError(
        `the remote jlremote has not verified that port ${status.port ?? "?"} on ${on.host} is its Jupyter's (no listenerVerifiedAt); not sending the token. Run \`jlremote status\` there (and upgrade jlremote on ${on.host} if it is older)`,
      );
    }
    // Nothing went through the early forward yet: it serves when it goes where the verified status says (through no
    // hop); else it goes before the forward to that target is added.
    const got = await ahead.settled();
    added = got;
    const kept = got !== null && hop === null && sameTarget(got.target, target) ? got.port : null;
    if (got !== null && kept === null) {
      await cancelForward(got.t, got.port, got.target);
      added = null;
    }
    const localPort =
      kept ?? (await ensureForward(on, onId, target, await previousOn(t, prev, hop, masterId), flags.localPort));
    added = { t: on, port: localPort, target };
    await waitHealthy(status, localPort, onId, on.host);
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
      ...(hop !== null ? { hop: { host: hop.t.host, controlPath: hop.t.controlPath, master: hop.id } } : {}),
      ...(status.jobId !== null ? { jobId: status.jobId, endsAt: status.endsAt } : {}),
    };
    writeTunnel(file, record);
    const moved = movedNotice(prev, status, target, t.host);
    if (moved !== null) ctx.err(`jllocal: ${moved}`);
    const localMoved =
      prev && flags.localPort === undefined ? localPortMoved(prev.localPort, localPort, onId, taker !== null) : null;
    if (localMoved !== null) ctx.err(`jllocal: ${localMoved}`);
    else if (taker !== null && prev !== null)
      ctx.err(
        `jllocal: local port ${prev.localPort} of the last URL is held by another user's process (${taker}); the instance's token and login-cookie secret were replaced`,
      );
    return { record, reused: !master.opened && hopOpened === null && prev?.localPort === localPort };
  } catch (err) {
    // An early forward still being added is waited for: a failed start leaves no forward behind either.
    added ??= (await early?.settled()) ?? null;
    // A failed run leaves no master of its own behind (one that was already up stays for its other tunnels).
    if (hopOpened !== null)
      await closeHop(
        hopOpened.t,
        await hopOpened.id.then(
          (id) => [id],
          () => [],
        ),
      );
    if (opened !== null)
      await closeMaster(
        t,
        await opened.then(
          (id) => [id],
          () => [],
        ),
      );
    else if (added !== null && hopOpened === null) await cancelForward(added.t, added.port, added.target);
    throw err;
  } finally {
    await release();
  }
}
