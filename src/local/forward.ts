// Adds the -L forward on the master: keeps the previous local port when it can, else the remote port, else a free one.
import { createServer } from "node:net";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { sameTarget } from "../core/remote-status.js";
import type { ForwardTarget, SshTarget } from "../core/ssh-command.js";
import { lastMeaningfulLine } from "../core/ssh-errors.js";
import type { ProcessIdentity } from "../core/types.js";
import { isPortFree } from "../io/ports.js";
import { addForward, cancelForward } from "./ssh.js";
import type { TunnelRecord } from "./tunnel-store.js";

/** A port the kernel just handed out on 127.0.0.1 (bound to 0 and released). */
function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
    });
  });
}

function sameMaster(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.startTime === b.startTime;
}

/** Make sure the master forwards a local port to `target`; returns that port. */
export async function ensureForward(
  t: SshTarget, master: ProcessIdentity, target: ForwardTarget, prev: TunnelRecord | null, wanted: number | undefined,
): Promise<number> {
  const prevOnMaster = prev !== null && sameMaster(prev.master, master);
  if (prev !== null && prevOnMaster) {
    if (sameTarget(prev.target, target) && (wanted === undefined || wanted === prev.localPort)) {
      // Idempotent on the master: succeeds when the forward is there, re-adds it when it was lost.
      if ((await addForward(t, prev.localPort, target)).exitCode === 0) return prev.localPort;
    } else {
      await cancelForward(t, prev.localPort, prev.target);
    }
  }
  if (wanted !== undefined) {
    const r = await addForward(t, wanted, target);
    if (r.exitCode === 0) return wanted;
    throw new JlremoteError(`cannot forward local port ${wanted} (${lastMeaningfulLine(r.stderr) || "busy?"}); choose another --local-port or omit it`, ExitCode.usage);
  }
  const preferred = [prev?.localPort, "port" in target ? target.port : 8888].filter((p): p is number => p !== undefined);
  let last = "";
  for (let attempt = 0; attempt < 6; attempt++) {
    const first = preferred.shift();
    const port = first === undefined ? await ephemeralPort() : (await isPortFree(first)) ? first : null;
    if (port === null) continue;
    const r = await addForward(t, port, target);
    if (r.exitCode === 0) return port;
    // Someone took the port between the check and the forward: try another.
    last = lastMeaningfulLine(r.stderr);
  }
  throw new JlremoteError(`could not add the port forward on the ssh connection to ${t.host}: ${last || "unknown error"}`);
}
