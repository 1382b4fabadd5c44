// The first step of a stop, light enough for the fast path: SIGTERM to the live supervisor, then its exit awaited on
// its exit socket (no polling). The rest of a stop (SIGKILL, cleanup under the lock) is supervisor-stop.ts'.
import { join } from "node:path";
import type { ProcessIdentity } from "../../core/types.js";
import { EXIT_SOCKET, watchExit } from "../../io/exit-socket.js";
import { signalOne, waitGone } from "../../io/process-tree.js";

/** A signalled supervisor: `gone` is true once it exited, false when it was still alive after its grace + 10 s. */
export interface SupervisorEnd {
  gone: Promise<boolean>;
}

/**
 * SIGTERM to `supervisor` (it stops Jupyter, the kernels and itself); resolves once the signal is sent. Connected before
 * the signal, the exit socket closes the moment the supervisor exits.
 */
export async function endSupervisor(supervisor: ProcessIdentity, dir: string, graceMs: number): Promise<SupervisorEnd> {
  const exit = await watchExit(join(dir, EXIT_SOCKET));
  signalOne(supervisor, "SIGTERM");
  const gone = (async () => {
    // The socket closes as node exits, a few ms before the process is gone: then check every ms, not every 25.
    const closed = exit !== null && (await exit.gone(graceMs + 10_000));
    return waitGone([supervisor], closed ? 2000 : graceMs + 10_000, closed ? 1 : 25);
  })();
  return { gone };
}
