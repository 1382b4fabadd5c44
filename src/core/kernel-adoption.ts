// Kernel survival across Jupyter restarts: which processes are kernels, what the next Jupyter is told to adopt,
// and what its extension reported (pure: the supervisor reads /proc and files, this decides).
import type { AdoptionRecord, ProcessIdentity } from "./types.js";

/** A running kernel process and its connection file, as found from its command line. */
export interface KernelCandidate {
  id: string;
  connectionFile: string;
  identity: ProcessIdentity;
}

/** What the extension (python/jlremote_adopt) writes to the report file once it has loaded. */
export interface AdoptionReport {
  pid: number;
  supported: boolean;
  reason: string | null;
  adopted: { id: string; pid: number }[];
  failed: { id: string; pid: number; reason: string }[];
}

const connectionFileRe = /(?:^|\/)kernel-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

/** A kernel's id and connection file from its argv (`… -f /run/kernel-<uuid>.json`), or null for other processes. */
export function kernelFromArgv(argv: readonly string[]): { id: string; connectionFile: string } | null {
  for (const arg of argv) {
    const value = arg.startsWith("--f=") ? arg.slice(4) : arg;
    const m = connectionFileRe.exec(value);
    if (m && value.startsWith("/")) return { id: m[1] as string, connectionFile: value };
  }
  return null;
}

/** The config sections that load the extension and hand it the kernels to adopt (deep-merged into Jupyter's config). */
export function adoptionConfig(o: {
  report: string;
  sessionsDb: string;
  kernels: readonly KernelCandidate[];
}): Record<string, unknown> {
  return {
    ServerApp: { jpserver_extensions: { jlremote_adopt: true } },
    // JupyterLab drops a tab's session unless /api/sessions still lists it after the restart.
    SessionManager: { database_filepath: o.sessionsDb },
    JlremoteAdopt: {
      report: o.report,
      kernels: o.kernels.map((k) => ({
        id: k.id,
        pid: k.identity.pid,
        startTime: k.identity.startTime,
        connectionFile: k.connectionFile,
      })),
    },
  };
}

/** Parse the report file's text; null when it is missing or not a report. */
export function parseReport(text: string | null): AdoptionReport | null {
  if (text === null) return null;
  try {
    const r = JSON.parse(text) as Partial<AdoptionReport>;
    if (typeof r.pid !== "number" || typeof r.supported !== "boolean") return null;
    return {
      pid: r.pid,
      supported: r.supported,
      reason: r.reason ?? null,
      adopted: r.adopted ?? [],
      failed: r.failed ?? [],
    };
  } catch {
    return null;
  }
}

/** The reason given when a Jupyter never loaded the extension (notebook 6 reads no jpserver_extensions). */
export const notLoadedReason =
  "this Jupyter did not load jlremote's extension (e.g. notebook 6): kernels end with the server";

/** What status reports after a Jupyter became ready: support, and (after a restart) which candidates it adopted. */
export function adoptionRecord(
  report: AdoptionReport | null,
  jupyterPid: number,
  candidates: readonly KernelCandidate[] | null,
  at: string,
): AdoptionRecord {
  const r = report !== null && report.pid === jupyterPid ? report : null;
  const supported = r?.supported ?? false;
  const reason = r === null ? notLoadedReason : r.reason;
  if (candidates === null) return { supported, reason, at: null, adopted: [], failed: [] };
  const adopted = r?.adopted ?? [];
  const failed = candidates
    .filter((c) => !adopted.some((a) => a.id === c.id))
    .map((c) => ({
      id: c.id,
      pid: c.identity.pid,
      reason: r?.failed.find((f) => f.id === c.id)?.reason ?? reason ?? "not adopted",
    }));
  return { supported, reason, at, adopted: adopted.filter((a) => candidates.some((c) => c.id === a.id)), failed };
}

/** Candidates a Jupyter did not adopt (to be stopped: nothing is left running unmanaged). */
export function notAdopted(candidates: readonly KernelCandidate[], record: AdoptionRecord): KernelCandidate[] {
  return candidates.filter((c) => !record.adopted.some((a) => a.id === c.id && a.pid === c.identity.pid));
}
