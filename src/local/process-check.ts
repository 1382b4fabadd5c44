// Identity of local processes (the ssh master) on Linux and macOS: /proc when there is one, else `ps -o lstart=`.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import type { ProcessIdentity } from "../core/types.js";
import { identify, isAlive } from "../io/process-identity.js";
import { monotonicMs } from "../io/clock.js";

/** bootId marker of identities taken with ps (no boot id there; the start time to the second is the check). */
const PS_BOOT = "ps";

function psProbe(pid: number): { startTime: number; zombie: boolean } | null {
  try {
    const out = execFileSync("ps", ["-o", "stat=,lstart=", "-p", String(pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    }).trim();
    const m = /^(\S+)\s+(.+)$/.exec(out);
    const ms = m ? Date.parse(m[2] as string) : Number.NaN;
    return m && Number.isFinite(ms)
      ? { startTime: Math.round(ms / 1000), zombie: (m[1] as string).startsWith("Z") }
      : null;
  } catch {
    return null;
  }
}

/** The identity of a live local process, or null. `useProc` false forces the ps path (tests). */
export function identifyLocal(pid: number, useProc = existsSync("/proc/self/stat")): ProcessIdentity | null {
  if (useProc) return identify(pid);
  const p = psProbe(pid);
  return p === null || p.zombie ? null : { pid, startTime: p.startTime, host: hostname(), bootId: PS_BOOT };
}

/** Is the recorded process still that very process (same PID and start time, not a zombie)? */
export function isSameLocal(id: ProcessIdentity): boolean {
  if (id.bootId !== PS_BOOT) return isAlive(id);
  const p = psProbe(id.pid);
  return id.host === hostname() && p !== null && !p.zombie && p.startTime === id.startTime;
}

/** Signal the process only if it is still the recorded one. */
export function signalIfSame(id: ProcessIdentity, signal: NodeJS.Signals): void {
  if (!isSameLocal(id)) return;
  try {
    process.kill(id.pid, signal);
  } catch {
    // Exited between the check and the signal.
  }
}

/** Poll until none of the processes is the recorded one any more; true when all are gone in time. */
export async function waitAllGone(ids: readonly ProcessIdentity[], timeoutMs: number): Promise<boolean> {
  const deadline = monotonicMs() + timeoutMs;
  for (;;) {
    if (!ids.some((id) => isSameLocal(id))) return true;
    if (monotonicMs() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
