// Finds the jupyter executable and which apps (lab/notebook/server) it has, the way jupyter_core finds subcommands.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { JlremoteError, ExitCode } from "../core/errors.js";
import type { JupyterApp } from "../core/types.js";

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolve `--jupyter` (a path or a name on PATH) to an absolute executable path. */
export function resolveJupyter(jupyter: string, env: Record<string, string | undefined>, cwd: string): string {
  if (jupyter.includes("/")) {
    const abs = isAbsolute(jupyter) ? jupyter : resolve(cwd, jupyter);
    if (isExecutableFile(abs)) return abs;
    throw new JlremoteError(`--jupyter ${jupyter}: not an executable file; pass the path of a jupyter executable`, ExitCode.usage);
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutableFile(join(dir, jupyter))) return join(dir, jupyter);
  }
  throw new JlremoteError(
    `no '${jupyter}' found on PATH; install JupyterLab (pip install jupyterlab, or apt install jupyter-notebook) or pass --jupyter PATH`,
    ExitCode.failure,
  );
}

/** Which apps are installed next to that jupyter or on PATH (jupyter-lab, jupyter-notebook, jupyter-server). */
export function availableApps(jupyterPath: string, env: Record<string, string | undefined>): Set<JupyterApp> {
  const dirs = [dirname(jupyterPath), ...(env.PATH ?? "").split(delimiter).filter(Boolean)];
  const found = new Set<JupyterApp>();
  for (const app of ["lab", "notebook", "server"] as const) {
    if (dirs.some((d) => isExecutableFile(join(d, `jupyter-${app}`)))) found.add(app);
  }
  return found;
}
