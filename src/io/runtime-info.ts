// Reads the server info file Jupyter writes after it starts (jpserver-PID.json), for the base_url it really uses.
import { type FSWatcher, watch } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { baseUrlFromInfo, jupyterRuntimeDir, runtimeInfoNames } from "../core/jupyter-paths.js";
import { readPrivateFile } from "./private-file.js";

/** base_url of the Jupyter with this PID, or null while its info file is not there (or not trusted). */
export function readBaseUrl(env: Record<string, string | undefined>, pid: number): string | null {
  const dir = jupyterRuntimeDir(env, env.HOME || homedir(), process.platform);
  for (const name of runtimeInfoNames(pid)) {
    let read;
    try {
      read = readPrivateFile(join(dir, name));
    } catch {
      continue;
    }
    if (read.kind === "ok") return baseUrlFromInfo(read.text, pid);
  }
  return null;
}

/**
 * Call `changed` when the info file of the Jupyter with this PID appears (it is written right after Jupyter binds),
 * so a readiness poll need not wait for its next turn; returns the unwatch. Without a watch (no runtime dir yet, a
 * watch limit reached) it never calls: the poll goes on as before.
 */
export function watchInfoFile(env: Record<string, string | undefined>, pid: number, changed: () => void): () => void {
  const names = new Set(runtimeInfoNames(pid));
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(jupyterRuntimeDir(env, env.HOME || homedir(), process.platform), { persistent: false }, (_e, f) => {
      if (f === null || names.has(f)) changed();
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    watcher = null;
  }
  return () => watcher?.close();
}
