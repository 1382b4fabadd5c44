// The first step of a stop, light enough for the fast path: SIGTERM to the live supervisor, then its exit awaited on
// its exit socket (no polling; node:net loads after the signal). When it exits, this is also the last step (what it
// recorded, the message); the rest of a stop (SIGKILL, cleanup under the lock) is supervisor-stop.ts', loaded only
// when the supervisor did not exit.
import { join } from "node:path";
import type { ProcessIdentity } from "../../core/types.js";
import { isAlive } from "../../io/process-identity.js";
import { signalOne, waitGone } from "../../io/process-tree.js";
import { readState } from "../../io/state-file.js";

/** A signalled supervisor: `gone` is true once it exited, false when it was still alive after its grace + 10 s. */
export interface SupervisorEnd {
  gone: Promise<boolean>;
}

/** What a stop did besides stopping the supervisor and Jupyter. */
export interface StopOutcome {
  /** Processes killed by the stop itself (orphans of a crashed instance); a live supervisor's own cleanup is not counted. */
  killed: number;
  /** Detached processes left running, as described by the cleanup or recorded by the supervisor. */
  detached: string[] | number;
}

/**
 * SIGTERM to `supervisor` (it stops Jupyter, the kernels and itself); resolves once its exit socket is connected (or
 * refused), which closes the moment the supervisor exits.
 */
export async function endSupervisor(supervisor: ProcessIdentity, dir: string, graceMs: number): Promise<SupervisorEnd> {
  signalOne(supervisor, "SIGTERM");
  // Signal first: node:net loads and the socket connects while the supervisor stops Jupyter (100 ms and more). Should it
  // be gone by then, the connect is refused (or it is no longer alive once connected) and its end is polled.
  const { EXIT_SOCKET, watchExit } = await import("../../io/exit-socket.js");
  const exit = await watchExit(join(dir, EXIT_SOCKET));
  const gone = (async () => {
    // The socket closes at the supervisor's 'exit' event, ms before the process is gone: then check every ms, not 25.
    const closed = exit !== null && isAlive(supervisor) && (await exit.gone(graceMs + 10_000));
    return waitGone([supervisor], closed ? 5000 : graceMs + 10_000, closed ? 1 : 25);
  })();
  return { gone };
}

/** The outcome of a stop whose supervisor exited by itself: what its cleanup recorded in `stateFile`. */
export function supervisorStopped(stateFile: string): StopOutcome {
  const after = readState(stateFile);
  return { killed: 0, detached: after.kind === "ok" ? (after.record.detachedProcesses ?? 0) : 0 };
}

/** The one stderr line of a stop: what happened, plus killed orphans and detached processes left. */
export function stopMessage(head: string, out: StopOutcome): string {
  const extra = [out.killed > 0 ? `killed ${out.killed} orphaned kernel process(es)` : "", detachedNote(out.detached)]
    .filter(Boolean)
    .join("; ");
  return `jlremote: ${head}${extra ? `; ${extra}` : ""}`;
}

/** The note about detached processes a stop left running (nohup/setsid jobs). */
function detachedNote(d: string[] | number): string {
  const n = typeof d === "number" ? d : d.length;
  if (n === 0) return "";
  const list = typeof d === "number" ? "" : `: ${d.join(", ")}`;
  return `left ${n} detached process(es) running (nohup/setsid jobs; see \`jlremote logs\`)${list}`;
}
