// Reads and atomically writes state.json (temp file + fsync + rename, mode 0600) in a 0700 directory.
import { mkdirSync, readFileSync, statSync, chmodSync } from "node:fs";
import { writeFileAtomic } from "./atomic-file.js";
import { dirname } from "node:path";
import { ExitCode, JlremoteError } from "../core/errors.js";
import type { StateRecord } from "../core/types.js";

/** Result of reading the state file: absent, unreadable (with why), or a record. */
export type StateRead =
  | { kind: "absent" }
  | { kind: "corrupt"; message: string }
  | { kind: "ok"; record: StateRecord };

/** Read state.json without throwing: a truncated or garbage file is reported, not fatal. */
export function readState(file: string): StateRead {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
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

/** Create the instance directory 0700 (and tighten it if it is more open); refuse one owned by another user. */
export function ensurePrivateDir(dir: string, warn: (msg: string) => void = () => {}): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new JlremoteError(
      `${dir} belongs to uid ${st.uid}, not to you (uid ${uid}); refusing to use it: set XDG_STATE_HOME to a directory of your own`,
      ExitCode.failure,
    );
  }
  if ((st.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    warn(`note: ${dir} was mode ${(st.mode & 0o777).toString(8)}; tightened to 700`);
  }
}
