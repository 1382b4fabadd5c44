// The forward's steps around the remote start: the early forward (added while Jupyter starts) and the previous one.
import type { ForwardTarget, SshTarget } from "../core/ssh-command.js";
import type { ProcessIdentity } from "../core/types.js";
import { ensureForward } from "./forward.js";
import { closeHop, recordedHop } from "./hop.js";
import { isSameLocal } from "./process-check.js";
import { cancelForward } from "./ssh.js";
import { readTunnel, type TunnelRecord } from "./tunnel-store.js";

/** A forward this run added on a master. */
export interface Forward {
  t: SshTarget;
  port: number;
  target: ForwardTarget;
}

/**
 * The forward added when the remote start says where Jupyter will listen, before it answers (docs/jllocal.md). It only
 * listens: nothing is sent through it until start's result names the same verified target. Only to a unix socket (in
 * the instance's 0700 dir): a TCP port is not known to be Jupyter's before start verifies it, and the local port
 * planned for it (the remote's number) would, on a host that reaches itself, take the port Jupyter is about to bind.
 */
export class EarlyForward {
  private pending: Promise<Forward | null> | null = null;

  constructor(
    private readonly t: SshTarget,
    private readonly master: Promise<ProcessIdentity>,
    private readonly file: string,
    private readonly wanted: number | undefined,
  ) {}

  /** Add it (the first call with a socket only); when that fails, the forward is added after start's result instead. */
  readonly add = (target: ForwardTarget): void => {
    if (!("socket" in target)) return;
    this.pending ??= this.master
      .then(async (id) => {
        const prev = await previousOn(this.t, readTunnel(this.file), null, id);
        return { t: this.t, target, port: await ensureForward(this.t, id, target, prev, this.wanted) };
      })
      .catch(() => null);
  };

  /** The forward once its `ssh -O forward` is done; null: none was asked for, or adding it failed. */
  settled(): Promise<Forward | null> {
    return this.pending ?? Promise.resolve(null);
  }
}

/**
 * The previous forward as seen from the master that carries the new one. When the instance moved between login nodes,
 * the old forward goes (its hop master closed, or cancelled on the first master) so its local port is free again.
 */
export async function previousOn(
  t: SshTarget,
  prev: TunnelRecord | null,
  hop: { t: SshTarget; id: ProcessIdentity } | null,
  masterId: ProcessIdentity,
): Promise<TunnelRecord | null> {
  if (prev === null) return null;
  const was = prev.hop ?? null;
  if (was !== null && was.controlPath === hop?.t.controlPath) return { ...prev, master: was.master };
  if (was !== null) await closeHop(recordedHop(t, was), [was.master]);
  else if (hop !== null && isSameLocal(prev.master) && prev.master.pid === masterId.pid)
    await cancelForward(t, prev.localPort, prev.target);
  return was !== null ? { ...prev, master: was.master } : prev;
}
