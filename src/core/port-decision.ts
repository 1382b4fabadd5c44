// What to do with the TCP port after a Jupyter run that never became ready: keep it, move on, or fail.

/** The facts after a run that ended without becoming ready. */
export interface PortFacts {
  port: number;
  portExplicit: boolean;
  /** Ready at least once under this supervisor (a crash restart, not a first start). */
  everReady: boolean;
  /** Who listens on the port now that our Jupyter is gone (e.g. "uid 65534, pid 42"), or null. */
  holder: string | null;
  /** Could not bind the port just now (only asked on a first start without a holder). */
  busy: boolean;
  /** Port moves so far. */
  moves: number;
}

/**
 * Did Jupyter's last log lines say `port` was taken? jupyter_server and notebook log "The port N is already in use" and
 * "… because port N is not available" when their bind fails: then the port was busy at that moment, even if whoever
 * held it (another server's brief probe of the port) has let it go by the time the supervisor looks.
 */
export function saidPortTaken(logTail: string, port: number): boolean {
  return new RegExp(`\\bport ${port} is (?:already in use|not available)\\b`, "i").test(logTail);
}

/** The decision; moving is bounded, and a port the user chose is never silently replaced. */
export type PortDecision = { kind: "keep" } | { kind: "move" } | { kind: "fail"; reason: string };

/** Someone else holds the port: with --port fail naming them, else move; a busy port on a first start moves too. */
export function decidePort(f: PortFacts): PortDecision {
  if (f.holder !== null && f.portExplicit) {
    return {
      kind: "fail",
      reason: `port ${f.port} is held by another process (${f.holder}); jlremote sent it nothing. Free the port, or start without --port`,
    };
  }
  if (f.portExplicit || f.moves >= 10) return { kind: "keep" };
  if (f.holder !== null || (!f.everReady && f.busy)) return { kind: "move" };
  return { kind: "keep" };
}
