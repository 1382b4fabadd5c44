// `jllocal kill [HOST] [--all]`: cancels the forwards and ends the master it started, found by what it recorded.
import { ExitCode, usageError } from "../core/errors.js";
import type { SshTarget } from "../core/ssh-command.js";
import { acquireLock } from "../io/lock.js";
import { ensurePrivateDir } from "../io/state-file.js";
import { readLocalConfig } from "./config.js";
import type { LocalContext } from "./context.js";
import { closeHop, recordedHop } from "./hop.js";
import { closeMaster } from "./master.js";
import { controlPathFor, hostLockFor, localPaths, openFileFor } from "./paths.js";
import { cancelForward, checkMaster, runRemote } from "./ssh.js";
import { remoteCommandLine } from "../core/ssh-command.js";
import { listTunnels, removeFile } from "./tunnel-store.js";

/** Flags of `jllocal kill`. */
export interface KillFlags {
  host: string | undefined;
  all: boolean;
  sshConfig: string | undefined;
  /** Also stop the remote instances of these tunnels (`jlremote stop`: a batch job is cancelled). */
  cancel?: boolean;
  remoteCmd?: string;
}

/** Close the tunnels of one host (or all); exit 0 also when there was nothing to kill. */
export async function killCommand(flags: KillFlags, ctx: LocalContext): Promise<ExitCode> {
  const cfg = readLocalConfig(ctx.env);
  const paths = localPaths(ctx.env, process.getuid?.() ?? 0);
  for (const dir of [paths.root, paths.tunnelsDir]) ensurePrivateDir(dir, ctx.err);
  const tunnels = listTunnels(paths.tunnelsDir);
  const known = [...new Set(tunnels.map((x) => x.record.host))];
  let hosts: string[];
  if (flags.all) hosts = known;
  else if (flags.host !== undefined || cfg.defaultHost !== null) hosts = [(flags.host ?? cfg.defaultHost) as string];
  else if (known.length <= 1) hosts = known;
  else throw usageError(`tunnels to ${known.length} hosts (${known.join(", ")}); name a HOST or pass --all`);
  let closed = 0;
  for (const host of hosts) {
    const mine = tunnels.filter((x) => x.record.host === host);
    const first = mine[0]?.record;
    const t: SshTarget = {
      host,
      controlPath: first?.controlPath ?? controlPathFor(paths, host),
      sshConfig: first?.sshConfig ?? flags.sshConfig ?? cfg.sshConfig,
    };
    const release = await acquireLock(hostLockFor(paths, host), 60_000);
    try {
      const live = await checkMaster(t);
      if (live === null && mine.length === 0) continue;
      if (flags.cancel) {
        if (live === null)
          ctx.err(
            `jllocal: no connection to ${host}; its instances keep running (\`jllocal ${host}\` reconnects, then \`jllocal kill --cancel ${host}\`)`,
          );
        else
          for (const { record: r } of mine)
            await stopRemote(r.hop ? recordedHop(t, r.hop) : t, flags.remoteCmd ?? cfg.remoteCmd, r.name, ctx);
      }
      // A hop's master (to the login node that runs the instance) holds that tunnel's forward; it goes first.
      for (const { record: r } of mine) if (r.hop) await closeHop(recordedHop(t, r.hop), [r.hop.master]);
      if (live !== null) for (const { record: r } of mine) if (!r.hop) await cancelForward(t, r.localPort, r.target);
      const gone = await closeMaster(
        t,
        mine.map((x) => x.record.master),
      );
      if (!gone) ctx.err(`jllocal: warning: the ssh master for ${host} did not exit`);
      for (const { file, record: r } of mine) {
        removeFile(file);
        removeFile(openFileFor(paths, host, r.name));
      }
      closed += 1;
      ctx.out(
        `closed ${host}${mine.length > 0 ? ` (${mine.map((x) => `${x.record.name} on port ${x.record.localPort}`).join(", ")})` : ""}`,
      );
    } finally {
      await release();
    }
  }
  if (closed === 0) ctx.err("jllocal: no tunnel to kill");
  return ExitCode.ok;
}

/** `jlremote stop --name NAME` over the master; its note (stopped, job state) is relayed. */
async function stopRemote(t: SshTarget, remoteCmd: string | null, name: string, ctx: LocalContext): Promise<void> {
  // jllocal's own installed version first, as for connect (never installing anything to stop).
  const own = remoteCmd === null ? { version: ctx.version, probe: false, remoteNode: null } : null;
  const r = await runRemote(t, remoteCommandLine(remoteCmd, ["stop", "--name", name], {}, own), 120_000);
  const line = r.stderr.trim().split(/\r?\n/).pop() ?? "";
  if (r.exitCode === 0) ctx.err(`jllocal: ${t.host}: ${line.replace(/^jlremote: /, "")}`);
  else
    ctx.err(`jllocal: warning: \`jlremote stop --name ${name}\` failed on ${t.host}: ${line || `exit ${r.exitCode}`}`);
}
