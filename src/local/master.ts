// The one ssh master connection per host: found through its control socket, opened once, closed by identity.
import { existsSync } from "node:fs";
import { JlremoteError } from "../core/errors.js";
import type { SshTarget } from "../core/ssh-command.js";
import type { ProcessIdentity } from "../core/types.js";
import { identifyLocal, isSameLocal, signalIfSame, waitAllGone } from "./process-check.js";
import { checkMaster, exitMaster, openMaster } from "./ssh.js";
import { removeFile } from "./tunnel-store.js";

/**
 * Our live master for `t` (opening it, with the one authentication, when there is none). A new master's identity is
 * a promise (its `ssh -O check` runs while the caller already uses the connection); it rejects if it did not stay up.
 */
export async function ensureMaster(t: SshTarget): Promise<{ id: Promise<ProcessIdentity>; opened: boolean }> {
  // No socket, no master: skip the `-O check` round trip.
  const running = existsSync(t.controlPath) ? await checkMaster(t) : null;
  const found = running === null ? null : identifyLocal(running);
  if (found !== null) return { id: Promise.resolve(found), opened: false };
  // A stale socket left by a dead master would make ssh silently run without multiplexing.
  removeFile(t.controlPath);
  await openMaster(t);
  // Asked a loop turn later: the caller's first command over the new master is spawned first (each spawn blocks the
  // main thread ~5-10 ms, and that command is on the way to the user's URL; this answer is needed only later).
  const id = nextTurn()
    .then(() => checkMaster(t))
    .then((pid) => {
      const live = pid === null ? null : identifyLocal(pid);
      if (live === null)
        throw new JlremoteError(
          `the ssh master connection to ${t.host} did not stay up; try \`ssh ${t.host} true\` by hand`,
        );
      return live;
    });
  // Handled here too: the caller may fail on something else first and await it only in its cleanup.
  id.catch(() => {});
  return { id, opened: true };
}

/** End the master: `ssh -O exit`, then SIGTERM/SIGKILL to the recorded PID if it is still that very process. */
export async function closeMaster(t: SshTarget, recorded: readonly ProcessIdentity[]): Promise<boolean> {
  const pid = await checkMaster(t);
  const live = pid === null ? null : identifyLocal(pid);
  if (pid !== null) await exitMaster(t);
  const ids = live === null ? [...recorded] : [...recorded, live];
  let gone = await waitAllGone(ids, 5_000);
  for (const sig of ["SIGTERM", "SIGKILL"] as const) {
    if (gone) break;
    for (const x of ids) signalIfSame(x, sig);
    gone = await waitAllGone(ids, 3_000);
  }
  if (gone) removeFile(t.controlPath);
  return gone && !ids.some((x) => isSameLocal(x));
}

/** Resolves in the next event-loop turn (after the current turn's synchronous work and promise callbacks). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
