// `jllocal [HOST]`: the recorded tunnel when it still works as recorded (warm), else the full path (connect-fresh.ts):
// one ssh master, remote status/start over it, the forward, a health check; then the URL and the browser.
import { ExitCode, usageError } from "../core/errors.js";
import { isDeployableVersion } from "../core/remote-lookup.js";
import type { SshTarget } from "../core/ssh-command.js";
import { validateName } from "../io/paths.js";
import { ensurePrivateDir } from "../io/state-file.js";
import { openBrowser } from "./browser.js";
import { readLocalConfig, type LocalConfig } from "./config.js";
import type { LocalContext } from "./context.js";
import { controlPathFor, localPaths, openFileFor, tunnelFileFor } from "./paths.js";
import type { RemoteSide } from "./remote.js";
import { reuseTunnel } from "./reuse.js";
import { readTunnel } from "./tunnel-store.js";
import type { ConnectFlags } from "./connect-flags.js";

/** --remote-cmd as given, else jllocal's own version preferred on the remote (and installed there unless --no-install). */
function remoteSide(flags: ConnectFlags, cfg: LocalConfig, version: string): RemoteSide {
  const cmd = flags.remoteCmd ?? cfg.remoteCmd;
  const remoteNode = flags.remoteNode ?? cfg.remoteNode;
  if (cmd !== null) {
    if (flags.remoteNode !== undefined)
      throw usageError(
        "--remote-node picks the node of the jlremote jllocal installs; with --remote-cmd nothing is installed",
      );
    return { cmd, own: null, install: null };
  }
  if (!isDeployableVersion(version)) return { cmd: null, own: null, install: null };
  return { cmd: null, own: { version, probe: flags.install, remoteNode }, install: null };
}

/** Connect (or reuse the connection) to the instance on HOST, print its local URL and open the browser. */
export async function connectCommand(flags: ConnectFlags, ctx: LocalContext): Promise<ExitCode> {
  const cfg = readLocalConfig(ctx.env);
  const host = flags.host ?? cfg.defaultHost;
  if (host === null)
    throw usageError("no HOST given and no defaultHost in the config; run `jllocal HOST` (an ssh alias or user@host)");
  if (host.startsWith("-")) throw usageError(`invalid HOST '${host}'`);
  const name = validateName(flags.name);
  const paths = localPaths(ctx.env, process.getuid?.() ?? 0);
  for (const dir of [paths.root, paths.tunnelsDir, paths.controlDir]) ensurePrivateDir(dir, ctx.err);
  const t: SshTarget = { host, controlPath: controlPathFor(paths, host), sshConfig: flags.sshConfig ?? cfg.sshConfig };
  const remote = remoteSide(flags, cfg, ctx.version);
  const file = tunnelFileFor(paths, host, name);
  const prev = readTunnel(file);
  // Warm: the recorded tunnel still works as recorded (no lock, no write, no `ssh -O`); else the full path below.
  const warm = prev === null ? null : await reuseTunnel(t, prev, flags.localPort, remote, name);
  // The full path is packed in the bundle and compiled only when needed (scripts/build.mjs), like the yargs tree.
  const { record, reused } =
    warm?.kind === "ready"
      ? { record: warm.record, reused: true }
      : await (await import("./connect-fresh.js")).connectFresh(
          t,
          { ...flags, name, remote },
          file,
          warm?.status ?? null,
          ctx,
        );
  if (flags.json) {
    ctx.out(
      JSON.stringify({
        host,
        name,
        url: record.url,
        localPort: record.localPort,
        target: record.target,
        masterPid: record.master.pid,
        reused,
      }),
    );
  } else {
    ctx.out(record.url);
  }
  if (flags.browser) await openBrowser(record.url, openFileFor(paths, host, name), ctx);
  return ExitCode.ok;
}
