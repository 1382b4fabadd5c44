// `jllocal [HOST]`: one ssh master, remote status/start over it, the forward, a health check, the URL, the browser.
import { ExitCode, JlremoteError, usageError } from "../core/errors.js";
import { forwardTarget, isVerified, localUrl } from "../core/remote-status.js";
import type { ForwardTarget, SshTarget } from "../core/ssh-command.js";
import type { ProcessIdentity } from "../core/types.js";
import { probeStatus } from "../io/http-probe.js";
import { acquireLock } from "../io/lock.js";
import { validateName } from "../io/paths.js";
import { ensurePrivateDir } from "../io/state-file.js";
import { openBrowser } from "./browser.js";
import { readLocalConfig } from "./config.js";
import type { LocalContext } from "./context.js";
import { ensureForward } from "./forward.js";
import { localListenerProblem } from "./local-listener.js";
import { closeMaster, ensureMaster } from "./master.js";
import { controlPathFor, hostLockFor, localPaths, openFileFor, tunnelFileFor } from "./paths.js";
import { ensureRemoteRunning } from "./remote.js";
import { cancelForward } from "./ssh.js";
import { readTunnel, writeTunnel, type TunnelRecord } from "./tunnel-store.js";

/** Flags of `jllocal [HOST]`. */
export interface ConnectFlags {
  host: string | undefined;
  name: string;
  localPort: number | undefined;
  browser: boolean;
  start: boolean;
  /** Start the remote instance with `jlremote start --sock` (a unix socket instead of a TCP port). */
  sock: boolean;
  remoteCmd: string | undefined;
  sshConfig: string | undefined;
  json: boolean;
}

/** Poll /api/status through the tunnel until it answers 200 with the token. */
async function waitHealthy(port: number, token: string, host: string, baseUrl: string, master: ProcessIdentity, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let code = 0;
  for (;;) {
    const problem = localListenerProblem(port, master);
    if (problem !== null && problem.includes("another process")) throw new JlremoteError(`${problem}; not sending the token. \`jllocal kill ${host}\` and retry with another --local-port`);
    code = problem === null ? await probeStatus({ port }, token, 3000, baseUrl) : 0;
    if (code === 200) return;
    if (performance.now() > deadline) {
      throw new JlremoteError(`the tunnel to ${host} is up but Jupyter does not answer on 127.0.0.1:${port} (${code === 0 ? "no answer" : `HTTP ${code}`}); is forwarding allowed by that sshd? \`jllocal kill ${host}\` and retry`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Connect (or reuse the connection) to the instance on HOST, print its local URL and open the browser. */
export async function connectCommand(flags: ConnectFlags, ctx: LocalContext): Promise<ExitCode> {
  const cfg = readLocalConfig(ctx.env);
  const host = flags.host ?? cfg.defaultHost;
  if (host === null) throw usageError("no HOST given and no defaultHost in the config; run `jllocal HOST` (an ssh alias or user@host)");
  if (host.startsWith("-")) throw usageError(`invalid HOST '${host}'`);
  const name = validateName(flags.name);
  const paths = localPaths(ctx.env, process.getuid?.() ?? 0);
  for (const dir of [paths.root, paths.tunnelsDir, paths.controlDir]) ensurePrivateDir(dir, ctx.err);
  const t: SshTarget = { host, controlPath: controlPathFor(paths, host), sshConfig: flags.sshConfig ?? cfg.sshConfig };
  const file = tunnelFileFor(paths, host, name);
  const release = await acquireLock(hostLockFor(paths, host), 120_000);
  let record: TunnelRecord;
  let reused = false;
  let opened: ProcessIdentity | null = null;
  let added: { port: number; target: ForwardTarget } | null = null;
  try {
    const master = await ensureMaster(t);
    if (master.opened) opened = master.id;
    const status = await ensureRemoteRunning(t, flags.remoteCmd ?? cfg.remoteCmd, name, { allowed: flags.start, sock: flags.sock }, ctx);
    const target = forwardTarget(status);
    if (target === null || status.token === null) throw new JlremoteError(`the remote status of '${name}' has no port, socket or token`);
    if (!isVerified(status)) {
      // Whoever holds that remote port could be another user: the token goes only to a listener jlremote verified.
      throw new JlremoteError(`the remote jlremote has not verified that port ${status.port ?? "?"} on ${host} is its Jupyter's (no listenerVerifiedAt); not sending the token. Run \`jlremote status\` there (and upgrade jlremote on ${host} if it is older)`);
    }
    const prev = readTunnel(file);
    const localPort = await ensureForward(t, master.id, target, prev, flags.localPort);
    added = { port: localPort, target };
    reused = !master.opened && prev?.localPort === localPort;
    await waitHealthy(localPort, status.token, host, status.baseUrl, master.id);
    record = {
      schema: 1, host, name, controlPath: t.controlPath, sshConfig: t.sshConfig, master: master.id, localPort, target,
      app: status.app, token: status.token, url: localUrl(status.app, localPort, status.token, status.baseUrl), baseUrl: status.baseUrl,
      createdAt: prev?.createdAt ?? new Date().toISOString(),
    };
    writeTunnel(file, record);
  } catch (err) {
    // A failed run leaves no master of its own behind (one that was already up stays for its other tunnels).
    if (opened !== null) await closeMaster(t, [opened]);
    else if (added !== null) await cancelForward(t, added.port, added.target);
    throw err;
  } finally {
    await release();
  }
  if (flags.json) {
    ctx.out(JSON.stringify({ host, name, url: record.url, localPort: record.localPort, target: record.target, masterPid: record.master.pid, reused }));
  } else {
    ctx.out(record.url);
  }
  if (flags.browser) await openBrowser(record.url, openFileFor(paths, host, name), ctx);
  return ExitCode.ok;
}
