// Reads the server info file Jupyter writes after it starts (jpserver-PID.json), for the base_url it really uses.
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
