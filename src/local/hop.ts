// Reaching an instance that runs on another login node of a round-robin name: a second master to the node its status
// records, through the first one (src/core/ssh-hop.ts), with the user, keys and known hosts of the original target.
import { JlremoteError } from "../core/errors.js";
import { hopOptions, isHopHost } from "../core/ssh-hop.js";
import type { SshTarget } from "../core/ssh-command.js";
import type { ProcessIdentity } from "../core/types.js";
import type { LocalContext } from "./context.js";
import { closeMaster, ensureMaster } from "./master.js";
import { controlPathFor, type LocalPaths } from "./paths.js";
import type { RunsElsewhere } from "./remote.js";
import { effectiveConfig } from "./ssh.js";

/** The control socket of the hop from `host` to `node` (a key of its own: the same node may be reached directly). */
function hopControlPath(paths: LocalPaths, host: string, node: string): string {
  return controlPathFor(paths, `${host}>${node}`);
}

/** A hop target as a tunnel record describes it (for kill and for replacing it), without the means to open it. */
export function recordedHop(t: SshTarget, hop: { host: string; controlPath: string }): SshTarget {
  return { host: hop.host, controlPath: hop.controlPath, sshConfig: t.sshConfig };
}

/** The hop's master (opened, through `t`'s, when there is none) for an instance `t` reported as running elsewhere. */
export async function openHop(
  t: SshTarget,
  elsewhere: RunsElsewhere,
  paths: LocalPaths,
  ctx: Pick<LocalContext, "err">,
): Promise<{ t: SshTarget; id: Promise<ProcessIdentity>; opened: boolean }> {
  const node = elsewhere.runsOn;
  if (node === null || !isHopHost(node) || node === t.host) throw elsewhere;
  const g = await effectiveConfig(t);
  if (g === null) throw elsewhere;
  const hop: SshTarget = {
    host: node,
    controlPath: hopControlPath(paths, t.host, node),
    sshConfig: t.sshConfig,
    jump: { via: t, options: hopOptions(g) },
  };
  ctx.err(`jllocal: instance '${elsewhere.instance}' runs on ${node}, not on ${t.host}; reaching it through ${t.host}`);
  try {
    return { t: hop, ...(await ensureMaster(hop)) };
  } catch (err) {
    throw new JlremoteError(
      `cannot reach ${node} (where instance '${elsewhere.instance}' runs) through ${t.host}: ${err instanceof Error ? err.message : String(err)}; run jllocal against ${node} directly, or stop the instance there`,
      undefined,
      { cause: err },
    );
  }
}

/** Close a hop's master (best effort: it also ends with the master it goes through). */
export async function closeHop(hop: SshTarget, ids: readonly ProcessIdentity[]): Promise<void> {
  await closeMaster(hop, ids).catch(() => false);
}
