// Builds the Jupyter command line and environment: neither carries the token, which travels in the 0600 config file.
import type { JupyterApp } from "./types.js";

/** Everything needed to build one Jupyter invocation. */
export interface JupyterLaunch {
  app: JupyterApp;
  /** The config file with the token and the settings jlremote owns (src/core/jupyter-config.ts). */
  configFile: string;
  extraArgs: string[];
}

/** The argv (without the executable): `jupyter <app> --config=FILE`, then the user's extra arguments. */
export function jupyterArgs(launch: JupyterLaunch): string[] {
  return [launch.app, ...jupyterOptions(launch)];
}

/** The options alone (after `jupyter lab`, `jupyter-lab` or `python -m jupyterlab`). */
export function jupyterOptions(launch: JupyterLaunch): string[] {
  return [`--config=${launch.configFile}`, ...launch.extraArgs];
}

/** Variables that would hand a token to Jupyter, and through it to every kernel and terminal: never passed on. */
const droppedVariables = ["JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE"] as const;

/** The environment for Jupyter: the caller's minus any token variable (an inherited one too), plus the instance marker every descendant inherits. */
export function jupyterEnv(base: Record<string, string | undefined>, instanceId: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base))
    if (v !== undefined && !(droppedVariables as readonly string[]).includes(k)) env[k] = v;
  env.JLREMOTE_INSTANCE = instanceId;
  return env;
}

/** The browser path for an app under Jupyter's base_url: lab → <base>lab, notebook → <base>tree, server → <base>. */
export function appPath(app: JupyterApp, baseUrl = "/"): string {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return `${base}${app === "lab" ? "lab" : app === "notebook" ? "tree" : ""}`;
}

/** The full URL with token for a TCP instance. */
export function jupyterUrl(app: JupyterApp, port: number, token: string, host = "127.0.0.1", baseUrl = "/"): string {
  return `http://${host}:${port}${appPath(app, baseUrl)}?token=${token}`;
}

/** Pick the app for `--app auto` from the jupyter subcommands found: lab, else notebook, else server. */
export function chooseApp(available: ReadonlySet<JupyterApp>): JupyterApp {
  if (available.has("lab")) return "lab";
  if (available.has("notebook")) return "notebook";
  return "server";
}
