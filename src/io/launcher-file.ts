// Reads, writes (atomically, mode 0755) and removes the launcher file; finds the real paths a launcher should run.
import {
  accessSync,
  constants,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { writeFileAtomic } from "./atomic-file.js";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { parseLauncher, type LauncherTarget } from "../core/launcher.js";

/** What is at the launcher path now. */
export type LauncherFile =
  | { kind: "absent" }
  | { kind: "ours"; target: LauncherTarget }
  | { kind: "foreign"; what: string; resolved?: string };

/** Look at `path` without following a symlink: nothing, our launcher (and what it runs), or something else. */
export function inspectLauncherFile(path: string): LauncherFile {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return { kind: "absent" };
  }
  if (st.isSymbolicLink()) {
    let to = "?";
    let resolved: string | undefined;
    try {
      to = readlinkSync(path);
    } catch {
      /* unreadable link */
    }
    try {
      resolved = realpathSync(path);
    } catch {
      /* dangling */
    }
    return { kind: "foreign", what: `a symlink to ${to}`, resolved };
  }
  if (st.isDirectory()) return { kind: "foreign", what: "a directory" };
  if (!st.isFile() || st.size > 64 * 1024) return { kind: "foreign", what: "a file not written by `jlremote install`" };
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    /* unreadable: foreign */
  }
  const target = parseLauncher(text);
  return target ? { kind: "ours", target } : { kind: "foreign", what: "a file not written by `jlremote install`" };
}

/** Write the launcher atomically (temp file + fsync + rename, mode 0755), creating its directory. */
export function writeLauncherFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileAtomic(path, text, 0o755);
}

/** Remove the launcher file. */
export function removeLauncherFile(path: string): void {
  unlinkSync(path);
}

/** The absolute, symlink-free path of the running bundle (the last word of ctx.self), as given when unresolvable. */
export function currentBundle(self: readonly string[]): string {
  const script = self[self.length - 1] ?? "";
  try {
    return realpathSync(script);
  } catch {
    return script;
  }
}

/** The absolute, symlink-free paths of this node binary and this bundle (what a launcher must run). */
export function currentTarget(self: readonly string[]): LauncherTarget {
  return { node: realpathSync(self[0] ?? process.execPath), bundle: realpathSync(self[self.length - 1] ?? "") };
}

/** Temp directories (as given and resolved): a bundle under one of them is gone after a cleanup or reboot. */
export function temporaryDirs(env: Record<string, string | undefined>): string[] {
  const dirs = new Set(["/tmp", "/var/tmp", "/dev/shm", tmpdir()]);
  if (env.TMPDIR) dirs.add(env.TMPDIR);
  for (const d of [...dirs]) {
    try {
      dirs.add(realpathSync(d));
    } catch {
      /* absent */
    }
  }
  return [...dirs];
}

/** The first executable `name` in the absolute dirs of a PATH string (what `command -v` finds), or null. */
export function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir.startsWith("/")) continue;
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}
