// One Jupyter process under watch: wait until it answers, then watch it (exit, health probe, kernel snapshot).
import type pino from "pino";
import type { ProcessIdentity } from "../core/types.js";
import { probeStatus } from "../io/http-probe.js";
import { isAlive } from "../io/process-identity.js";
import { descendants } from "../io/process-tree.js";
import type { Gate } from "./listener-gate.js";
import { mergeIds } from "./shutdown.js";
import type { Wake, Wakeup } from "./wakeup.js";

/** How often a starting Jupyter is probed: its readiness is on the path of `start` and of every recovery. */
const readyPollMs = 25;

/** A Jupyter process we spawned or adopted. */
export interface WatchedJupyter {
  identity: ProcessIdentity;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Why watching ended. */
export type RunEndReason = "exit" | Wake | "timeout" | "hung" | "open" | "forbidden";

/** The outcome of watching one Jupyter process. */
export interface RunEnd {
  why: RunEndReason;
  readyAt: number | null;
  known: ProcessIdentity[];
}

/** Settings and callbacks for one watch. */
export interface WatchOptions {
  /** Checked before every request with the token: only a verified listener of ours gets it. */
  gate: () => Gate;
  token: string;
  readyTimeoutMs: number;
  healthIntervalMs: number;
  healthRetries: number;
  snapshotIntervalMs: number;
  known: ProcessIdentity[];
  /** Returns processes to watch from now on besides Jupyter's descendants (re-adopted kernels). */
  onReady: (readyAt: number, baseUrl: string) => Promise<ProcessIdentity[]>;
  onChildren: (children: ProcessIdentity[]) => void;
  log: pino.Logger;
}

/** Watch until Jupyter exits, hangs, or a stop/restart request arrives. */
export async function watchJupyter(j: WatchedJupyter, wake: Wakeup, o: WatchOptions): Promise<RunEnd> {
  const exit = j.exited.then(() => "exit" as const);
  const deadline = Date.now() + o.readyTimeoutMs;
  let known = o.known;
  let readyAt: number | null = null;
  let baseUrl = "/";
  let refused = "";
  for (;;) {
    const g = o.gate();
    if (g.ok) {
      const code = await probeStatus(g.endpoint, o.token, 1000, g.baseUrl);
      if (code === 403) return { why: "forbidden", readyAt, known };
      // Authentication must be on: without the token the same request has to be refused (403 or a login redirect).
      if (code === 200) {
        if ((await probeStatus(g.endpoint, null, 2000, g.baseUrl)) === 200) return { why: "open", readyAt, known };
        readyAt = Date.now();
        baseUrl = g.baseUrl;
        break;
      }
    } else if (g.foreign && g.why !== refused) {
      refused = g.why;
      o.log.warn({ reason: g.why }, "not sending the token: the listener is not our Jupyter");
    }
    const w = await wake.raceFor(exit, readyPollMs);
    if (w !== null) return { why: w, readyAt, known };
    if (Date.now() > deadline) return { why: "timeout", readyAt, known };
  }
  known = mergeIds(known, await o.onReady(readyAt, baseUrl));
  const probeTimeout = Math.min(5000, o.healthIntervalMs);
  let nextProbe = Date.now() + o.healthIntervalMs;
  let nextSnap = Date.now();
  let failures = 0;
  for (;;) {
    const now = Date.now();
    if (now >= nextSnap) {
      const seen = mergeIds(known.filter((k) => isAlive(k)), descendants(j.identity.pid));
      if (keys(seen) !== keys(known)) o.onChildren(seen);
      known = seen;
      nextSnap = now + o.snapshotIntervalMs;
    }
    if (now >= nextProbe) {
      const g = o.gate();
      if (!g.ok) o.log.warn({ reason: g.why }, "health probe not sent: the listener is not our Jupyter");
      const code = g.ok ? await wake.race(Promise.race([probeStatus(g.endpoint, o.token, probeTimeout, g.baseUrl), exit])) : 0;
      if (code === "exit" || code === "stop" || code === "restart") return { why: code, readyAt, known };
      failures = code === 200 ? 0 : failures + 1;
      if (failures > 0) o.log.warn({ failures, status: code }, "health probe failed");
      if (failures >= o.healthRetries) return { why: "hung", readyAt, known };
      nextProbe = Date.now() + o.healthIntervalMs;
    }
    const w = await wake.raceFor(exit, Math.max(10, Math.min(nextSnap, nextProbe) - Date.now()));
    if (w !== null) return { why: w, readyAt, known };
  }
}

function keys(ids: readonly ProcessIdentity[]): string {
  return ids.map((i) => `${i.pid}:${i.startTime}`).sort().join(",");
}
