// Reads and atomically writes state.json (temp file + fsync + rename, mode 0600) in a 0700 directory.
import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import { writeFileAtomic } from "./atomic-file.js";
import { dirname } from "node:path";
import { ExitCode, JlremoteError } from "../core/errors.js";
import type { StateRecord } from "../core/types.js";
import { distrust, readPrivateFile } from "./private-file.js";

/** Result of reading the state file: absent, unreadable (with why), or a record. */
export type StateRead =
  | { kind: "absent" }
  | { kind: "corrupt"; message: string }
  | { kind: "untrusted"; message: string }
  | { kind: "ok"; record: StateRecord };

/** Read state.json without throwing: a truncated or garbage file is reported, not fatal; a symlink or foreign file is untrusted. */
export function readState(file: string): StateRead {
  let text: string;
  try {
    const read = readPrivateFile(file);
    if (read.kind !== "ok") return read;
    text = read.text;
  } catch (err) {
    return { kind: "corrupt", message: `cannot read ${file}: ${(err as Error).message}` };
  }
  try {
    const record = JSON.parse(text) as StateRecord;
    if (record === null || typeof record !== "object" || record.schema !== 1 || typeof record.state !== "string") {
      return { kind: "corrupt", message: `${file} is not a jlremote state file (schema 1)` };
    }
    return { kind: "ok", record };
  } catch {
    return { kind: "corrupt", message: `${file} is damaged (not valid JSON)` };
  }
}

/** Write state.json atomically; on failure the previous file stays as it was and the error is thrown. */
export function writeState(file: string, record: StateRecord): void {
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/**
 * Create the directory 0700 (and tighten it if others may only read it); refuse a symlink, a non-directory, one owned
 * by another user or one writable by group or others (its contents could have been planted). Nothing is followed.
 */
export function ensurePrivateDir(dir: string, warn: (msg: string) => void = () => {}): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const st = lstatSync(dir);
  const why = distrust(dir, st, "directory");
  if (why !== null) throw new JlremoteError(why, ExitCode.failure);
  if ((st.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    warn(`note: ${dir} was mode ${(st.mode & 0o777).toString(8)}; tightened to 700`);
  }
}
