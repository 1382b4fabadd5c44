// Picks the backend of an instance once, from its recorded settings (or the --scheduler of a new start).
import { isServiceHere } from "../io/service-files.js";
import { usageError } from "../core/errors.js";
import type { Backend, BackendKind } from "./backend.js";
import { detachedBackend } from "./detached/index.js";
import { systemdBackend } from "./systemd/index.js";
import { slurmBackend, isSlurmInstance } from "./slurm/index.js";

const backends: Record<BackendKind, Backend> = {
  detached: detachedBackend,
  systemd: systemdBackend,
  slurm: slurmBackend,
};

/** What the caller knows about an instance when choosing its backend. */
export interface BackendFacts {
  /** `--scheduler` as given: "slurm", "none", or undefined (use what is recorded). */
  requested?: string;
  /** Installed as a systemd user service for this host. */
  serviceHere: boolean;
  /** The instance recorded a batch job (its job file exists). */
  recordedSlurm: boolean;
}

/** Pure: the backend kind for these facts; a bad --scheduler is a usage error. */
export function chooseKind(f: BackendFacts): BackendKind {
  if (f.requested !== undefined && f.requested !== "slurm" && f.requested !== "none") {
    throw usageError(`--scheduler ${f.requested}: expected slurm or none`);
  }
  if (f.requested === "slurm") return "slurm";
  if (f.serviceHere) return "systemd";
  if (f.requested === "none") return "detached";
  return f.recordedSlurm ? "slurm" : "detached";
}

/** The backend of the named instance (`requested` only from start's --scheduler). */
export function backendFor(env: Record<string, string | undefined>, name: string, requested?: string): Backend {
  return backends[
    chooseKind({ requested, serviceHere: isServiceHere(env, name), recordedSlurm: isSlurmInstance(env, name) })
  ];
}
