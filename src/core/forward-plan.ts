// Decides what to do with the forward of a tunnel: keep the recorded one, replace it, or add a new one, and which ports to try.
import { sameTarget } from "./remote-status.js";
import type { ForwardTarget } from "./ssh-command.js";

/** What jllocal recorded about the previous forward of this tunnel. */
export interface PreviousForward {
  localPort: number;
  target: ForwardTarget;
  /** Whether that forward lives on the master that is up now. */
  onLiveMaster: boolean;
}

/** The decision: re-assert the recorded forward, or cancel it first (when on this master), then pick ports. */
export type ForwardPlan =
  | { kind: "keep"; localPort: number }
  | { kind: "new"; cancelFirst: PreviousForward | null; ports: number[] };

/**
 * Keep the recorded forward when it is on this master, goes to the same place and no other port was asked for.
 * Otherwise the ports to try, in order: `--local-port` alone, else the previous local port (a stable URL), then the
 * remote port (8888 for a socket); after these the caller tries kernel-chosen free ports.
 */
export function planForward(
  prev: PreviousForward | null,
  target: ForwardTarget,
  wanted: number | undefined,
): ForwardPlan {
  if (prev?.onLiveMaster && sameTarget(prev.target, target) && (wanted === undefined || wanted === prev.localPort)) {
    return { kind: "keep", localPort: prev.localPort };
  }
  const cancelFirst = prev?.onLiveMaster ? prev : null;
  if (wanted !== undefined) return { kind: "new", cancelFirst, ports: [wanted] };
  const ports = [prev?.localPort, "port" in target ? target.port : 8888].filter((p): p is number => p !== undefined);
  return { kind: "new", cancelFirst, ports: [...new Set(ports)] };
}
