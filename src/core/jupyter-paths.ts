// Where Jupyter keeps its runtime files and reads its config, computed as jupyter_core does from the environment.
import { join } from "node:path";

/** jupyter_core's runtime dir: $JUPYTER_RUNTIME_DIR, else <data dir>/runtime (Linux data dir: ${XDG_DATA_HOME:-~/.local/share}/jupyter). */
export function jupyterRuntimeDir(
  env: Record<string, string | undefined>,
  home: string,
  platform: NodeJS.Platform,
): string {
  if (env.JUPYTER_RUNTIME_DIR) return env.JUPYTER_RUNTIME_DIR;
  return join(jupyterDataDir(env, home, platform), "runtime");
}

/** jupyter_core's data dir. */
function jupyterDataDir(env: Record<string, string | undefined>, home: string, platform: NodeJS.Platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return join(home, "Library", "Jupyter");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "jupyter");
}

/** The user's Jupyter config dir: $JUPYTER_CONFIG_DIR, else ~/.jupyter. */
export function jupyterConfigDir(env: Record<string, string | undefined>, home: string): string {
  return env.JUPYTER_CONFIG_DIR || join(home, ".jupyter");
}

/** The server info files Jupyter writes for a PID: jpserver-PID.json (jupyter_server), nbserver-PID.json (notebook < 7). */
export function runtimeInfoNames(pid: number): string[] {
  return [`jpserver-${pid}.json`, `nbserver-${pid}.json`];
}

/** base_url from a runtime info file's JSON (always with leading and trailing "/"), or null when it has none. */
export function baseUrlFromInfo(text: string, pid: number): string | null {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o.base_url !== "string" || (typeof o.pid === "number" && o.pid !== pid)) return null;
    return normalizeBaseUrl(o.base_url);
  } catch {
    return null;
  }
}

/** "/", "/x/", "/x/y/": leading and trailing slash, no empty segments. */
export function normalizeBaseUrl(raw: string): string {
  const parts = raw.split("/").filter((p) => p !== "");
  return parts.length === 0 ? "/" : `/${parts.join("/")}/`;
}
