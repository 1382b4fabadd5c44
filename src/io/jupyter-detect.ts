// Finds the `--jupyter` executable and what it offers (lab/notebook/server), as jupyter_core finds subcommands:
// `jupyter-<app>` next to it or on PATH; for a Python interpreter, the importable modules; with a prologue, inside it.
import { accessSync, closeSync, constants, lstatSync, openSync, readSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { JlremoteError, ExitCode } from "../core/errors.js";
import {
  classifyJupyter,
  installCommands,
  pythonModule,
  withPrologue,
  type JupyterInstall,
} from "../core/jupyter-install.js";
import type { JupyterApp } from "../core/types.js";
import { runCommand } from "./run-command.js";

type Env = Record<string, string | undefined>;

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
function resolveJupyter(jupyter: string, env: Env, cwd: string): string {
  if (jupyter.includes("/")) {
    const abs = isAbsolute(jupyter) ? jupyter : resolve(cwd, jupyter);
    if (isExecutableFile(abs)) return abs;
    throw new JlremoteError(
      `--jupyter ${jupyter}: not an executable file; pass the path of jupyter, jupyter-lab or an env's python`,
      ExitCode.usage,
    );
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutableFile(join(dir, jupyter))) return join(dir, jupyter);
  }
  throw new JlremoteError(
    `no '${jupyter}' found on PATH; install JupyterLab (pip install jupyterlab, or apt install jupyter-notebook) or pass --jupyter PATH`,
    ExitCode.failure,
  );
}

/** Resolve a bare name after running the prologue (module load, conda activate); returns the path and that PATH. */
async function resolveAfterPrologue(
  name: string,
  env: Env,
  cwd: string,
  prologue: string,
): Promise<{ path: string; env: Env }> {
  const p = withPrologue(prologue, ["/bin/sh", "-c", 'command -v -- "$0" && printf "%s\\n" "$PATH"', name]);
  const r = await runCommand(p.argv[0] as string, p.argv.slice(1), {
    env: { ...env, ...p.env },
    cwd,
    timeoutMs: 120_000,
  });
  const [path, pathVar] = r.stdout.trim().split("\n").slice(-2);
  if (r.code !== 0 || !path?.startsWith("/")) {
    const why = r.timedOut
      ? "timed out after 120 s"
      : r.stderr.trim().split("\n").pop() || `'${name}' not found on its PATH`;
    throw new JlremoteError(
      `no '${name}' after the prologue (${why}); fix the prologue in the jlremote config, or pass --jupyter PATH`,
      ExitCode.failure,
    );
  }
  return { path, env: { ...env, PATH: pathVar ?? env.PATH } };
}

/** Which Python modules of the apps an interpreter can import (run inside the prologue, if any). */
async function importableApps(python: string, env: Env, cwd: string, prologue: string | null): Promise<JupyterApp[]> {
  const mods = Object.entries(pythonModule);
  const script = `import importlib.util as u\nfor a, m in ${JSON.stringify(mods)}:\n    print(a if u.find_spec(m) else "")`;
  const p = withPrologue(prologue, [python, "-c", script]);
  const r = await runCommand(p.argv[0] as string, p.argv.slice(1), {
    env: { ...env, ...p.env },
    cwd,
    timeoutMs: 60_000,
  });
  if (r.code !== 0) {
    throw new JlremoteError(
      `${python} -c 'import …' failed (${r.timedOut ? "timed out" : r.stderr.trim().split("\n").pop() || `exit ${r.code}`}); is it a working Python?`,
      ExitCode.failure,
    );
  }
  return r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l): l is JupyterApp => l === "lab" || l === "notebook" || l === "server");
}

/** Find the executable and detect the install: its kind and the argv prefix of each app it offers. */
export async function detectInstall(
  jupyter: string,
  env: Env,
  cwd: string,
  prologue: string | null,
): Promise<{ install: JupyterInstall; env: Env }> {
  let path: string;
  let seen = env;
  if (prologue !== null && !jupyter.includes("/"))
    ({ path, env: seen } = await resolveAfterPrologue(jupyter, env, cwd, prologue));
  else path = resolveJupyter(jupyter, env, cwd);
  const { kind } = classifyJupyter(path);
  if (kind === "python")
    return {
      install: installCommands(path, {
        entries: {},
        sibling: null,
        modules: await importableApps(path, env, cwd, prologue),
      }),
      env: seen,
    };
  const here = dirname(path);
  // jupyter_core looks next to `jupyter`, then on PATH; an app's own entry point only has its siblings.
  const dirs = kind === "jupyter" ? [here, ...(seen.PATH ?? "").split(delimiter).filter(Boolean)] : [here];
  const entries: Partial<Record<JupyterApp, string>> = {};
  for (const app of ["lab", "notebook", "server"] as const) {
    const dir = dirs.find((d) => isExecutableFile(join(d, `jupyter-${app}`)));
    if (dir !== undefined) entries[app] = join(dir, `jupyter-${app}`);
  }
  const sibling = isExecutableFile(join(here, "jupyter")) ? join(here, "jupyter") : null;
  const launcher = isPythonLauncher(kind === "jupyter" ? path : sibling);
  return { install: installCommands(path, { entries, sibling, modules: [], launcher }), env: seen };
}

/**
 * Is this `jupyter` jupyter_core's launcher: a script whose first line runs Python (not a site's wrapper script), and
 * not a symlink (the launcher then prefers its target's directory)?
 */
function isPythonLauncher(path: string | null): boolean {
  if (path === null) return false;
  let fd: number | null = null;
  try {
    if (lstatSync(path).isSymbolicLink()) return false;
    fd = openSync(path, "r");
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    const first = head.subarray(0, n).toString("latin1").split("\n")[0] ?? "";
    return /^#!\s*(?:\S*\/env\s+(?:-S\s+)?)?(?:\S*\/)?python[0-9.]*(?:\s|$)/.test(first);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
