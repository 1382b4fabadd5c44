// Which port Jupyter gets: at start, after a restart, and when someone took it while Jupyter was starting.
import type pino from "pino";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { decidePort, saidPortTaken } from "../core/port-decision.js";
import type { InstanceOptions } from "../core/types.js";
import { describeHolder, portHolder } from "../io/listener-owner.js";
import { tailLines } from "../io/logs.js";
import { findFreePort, isPortFree } from "../io/ports.js";
import type { CredentialKeeper } from "./credentials.js";
import type { StateWriter } from "./state-writer.js";

/** The port for a (re)start: an explicit one must be free; else the previous one if free, else the first free from the base. */
export async function choosePort(
  options: InstanceOptions,
  previous: number | null,
  host?: string,
  base = 8888,
): Promise<number> {
  const wanted = options.port ?? base;
  if (options.portExplicit) {
    if (!(await isPortFree(wanted, host)))
      throw new JlremoteError(`port ${wanted} is busy; choose another --port or omit it`, ExitCode.usage);
    return wanted;
  }
  if (previous !== null && (await isPortFree(previous, host))) return previous;
  const free = await findFreePort(wanted, 100, host);
  if (free === null) throw new JlremoteError(`no free port from ${wanted} on; pass --port`, ExitCode.failure);
  return free;
}

/**
 * Someone else took our port while Jupyter was (re)starting: it got nothing; move on to the next free port (true),
 * fail (a JlremoteError reason), or leave the port (false) for the restart policy.
 */
export async function movedOffTakenPort(
  writer: StateWriter,
  options: InstanceOptions,
  host: string | undefined,
  everReady: boolean,
  moves: number,
  log: pino.Logger,
  credentials: CredentialKeeper,
  jupyterLog: string,
): Promise<boolean | { fail: string }> {
  const port = writer.record.port;
  if (options.sock || port === null) return false;
  const h = portHolder(port, host);
  const holder = h === null ? null : describeHolder(h);
  // Jupyter's own word counts too: a port held only for an instant (another server probing it) is free again now.
  const busy =
    holder === null &&
    !everReady &&
    !options.portExplicit &&
    (saidPortTaken(tailLines(jupyterLog, 15), port) || !(await isPortFree(port, host)));
  const p = decidePort({ port, portExplicit: options.portExplicit, everReady, holder, busy, moves });
  if (p.kind === "fail") return { fail: p.reason };
  const next = p.kind === "move" ? await findFreePort(port + 1, 100, host) : null;
  if (next === null) return false;
  log.warn({ port: next, previous: port, holder }, "port taken meanwhile; trying the next free one");
  writer.update({ port: next });
  // Never the same credentials on a new port: the old URL (tabs, tunnels) may now reach the holder.
  credentials.rotate(`port ${port} was taken by another process (${holder ?? "busy"}); moved to ${next}`);
  return true;
}
