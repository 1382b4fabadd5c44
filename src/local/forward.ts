// Adds the -L forward on the master following planForward: the recorded port, the remote port, else a free one.
import { createServer } from "node:net";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { planForward } from "../core/forward-plan.js";
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

/** Make sure the master forwards a local port to `target`; returns that port. */
export async function ensureForward(
  t: SshTarget,
  master: ProcessIdentity,
  target: ForwardTarget,
  prev: TunnelRecord | null,
  wanted: number | undefined,
): Promise<number> {
  const onLiveMaster = prev !== null && prev.master.pid === master.pid && prev.master.startTime === master.startTime;
  const plan = planForward(
    prev === null ? null : { localPort: prev.localPort, target: prev.target, onLiveMaster },
    target,
    wanted,
  );
  if (plan.kind === "keep") {
    // Idempotent on the master: succeeds when the forward is there, re-adds it when it was lost.
    if ((await addForward(t, plan.localPort, target)).exitCode === 0) return plan.localPort;
  } else if (plan.cancelFirst !== null) {
    await cancelForward(t, plan.cancelFirst.localPort, plan.cancelFirst.target);
  }
  const ports = plan.kind === "keep" ? [] : [...plan.ports];
  let last = "";
  for (let attempt = 0; attempt < ports.length + 4; attempt++) {
    const preferred = ports[attempt];
    if (wanted === undefined && preferred !== undefined && !(await isPortFree(preferred))) continue;
    const port = preferred ?? (await ephemeralPort());
    const r = await addForward(t, port, target);
    if (r.exitCode === 0) return port;
    last = lastMeaningfulLine(r.stderr);
    if (wanted !== undefined) {
      throw new JlremoteError(
        `cannot forward local port ${wanted} (${last || "busy?"}); choose another --local-port or omit it`,
        ExitCode.usage,
      );
    }
    // Otherwise someone took the port between the check and the forward: try another.
  }
  throw new JlremoteError(
    `could not add the port forward on the ssh connection to ${t.host}: ${last || "unknown error"}`,
  );
}
