// Builds the Jupyter command line and environment: argv carries no secret, the token travels in JUPYTER_TOKEN.
import type { JupyterApp } from "./types.js";

/** Everything needed to build one Jupyter invocation. */
export interface JupyterLaunch {
  jupyter: string;
  app: JupyterApp;
  port: number | null;
  socket: string | null;
  token: string;
  asRoot: boolean;
  extraArgs: string[];
}

/** The argv (without the executable) for `jupyter <app>` listening on 127.0.0.1 only. */
export function jupyterArgs(launch: JupyterLaunch): string[] {
  return [launch.app, ...jupyterOptions(launch)];
}

/** The options alone (after `jupyter lab`, `jupyter-lab` or `python -m jupyterlab`). */
export function jupyterOptions(launch: JupyterLaunch): string[] {
  const args = ["--no-browser"];
  if (launch.socket !== null) {
    args.push(`--sock=${launch.socket}`, "--sock-mode=0600");
  } else if (launch.port !== null) {
    // port-retries=0: a busy port is an error, never a silent move to a port we don't know.
    args.push("--ip=127.0.0.1", `--port=${launch.port}`, "--port-retries=0");
  }
  if (launch.asRoot) args.push("--allow-root");
  return [...args, ...launch.extraArgs];
}

/** The environment for Jupyter: the caller's, plus the token. */
export function jupyterEnv(base: Record<string, string | undefined>, token: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.JUPYTER_TOKEN = token;
  return env;
}

/** The browser path for an app: lab → /lab, notebook → /tree, server → /. */
export function appPath(app: JupyterApp): string {
  return app === "lab" ? "/lab" : app === "notebook" ? "/tree" : "/";
}

/** The full URL with token for a TCP instance. */
export function jupyterUrl(app: JupyterApp, port: number, token: string, host = "127.0.0.1"): string {
  return `http://${host}:${port}${appPath(app)}?token=${token}`;
}

/** Pick the app for `--app auto` from the jupyter subcommands found: lab, else notebook, else server. */
export function chooseApp(available: ReadonlySet<JupyterApp>): JupyterApp {
  if (available.has("lab")) return "lab";
  if (available.has("notebook")) return "notebook";
  return "server";
}
