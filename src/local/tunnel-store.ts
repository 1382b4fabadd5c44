// Tunnel records: one 0600 JSON file per (host, instance) in jllocal's 0700 state dir, written atomically.
import { readFileSync, readdirSync, unlinkSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic-file.js";
import { join } from "node:path";
import type { ForwardTarget } from "../core/ssh-command.js";
import type { JupyterApp, ProcessIdentity } from "../core/types.js";

/** What jllocal remembers about one tunnel (the token is here, so the file is 0600 in a 0700 dir). */
export interface TunnelRecord {
  schema: 1;
  host: string;
  name: string;
  controlPath: string;
  sshConfig: string | null;
  /** The ssh master process, identified by PID and start time (never found again by matching `ps`). */
  master: ProcessIdentity;
  localPort: number;
  target: ForwardTarget;
  app: JupyterApp | null;
  token: string;
  url: string;
  /** The remote Jupyter's base_url (absent in records of older versions: "/"). */
  baseUrl?: string;
  createdAt: string;
  /** The instance's login node when it is not the one HOST reached: its master (through `master`) holds the forward. */
  hop?: { host: string; controlPath: string; master: ProcessIdentity };
  /** A batch job's end by its time limit (as of the last connect), so `jllocal status` shows time left offline. */
  jobId?: string | null;
  endsAt?: string | null;
}

/** Read one record; null when absent or unusable. */
export function readTunnel(file: string): TunnelRecord | null {
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as TunnelRecord;
    if (
      r === null ||
      typeof r !== "object" ||
      r.schema !== 1 ||
      typeof r.host !== "string" ||
      typeof r.localPort !== "number"
    )
      return null;
    return r;
  } catch {
    return null;
  }
}

/** Write a record atomically (temp file + fsync + rename), mode 0600. */
export function writeTunnel(file: string, record: TunnelRecord): void {
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/** Every readable record in `dir`, with its file. */
export function listTunnels(dir: string): { file: string; record: TunnelRecord }[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch {
    return [];
  }
  const out: { file: string; record: TunnelRecord }[] = [];
  for (const n of names) {
    const record = readTunnel(join(dir, n));
    if (record !== null) out.push({ file: join(dir, n), record });
  }
  return out;
}

/** Remove a file if it exists. */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
