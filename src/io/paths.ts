// Where jlremote keeps its files: ${XDG_STATE_HOME:-~/.local/state}/jlremote/<name>/.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { usageError } from "../core/errors.js";
import { joinPath } from "../core/path-join.js";
import { isInstanceName } from "../core/portable-name.js";

/** The files of one named instance. */
export interface InstancePaths {
  name: string;
  dir: string;
  stateFile: string;
  lockFile: string;
  logFile: string;
  jupyterLogFile: string;
}

/**
 * The user's home: HOME from the given environment, else the password database's (node:os, loaded only then: ~0.15 ms
 * of every status, figure 1a).
 */
export function homeDir(env: Record<string, string | undefined>): string {
  return env.HOME || process.getBuiltinModule("node:os").homedir();
}

/** An XDG base directory: the variable when it is absolute (the spec ignores relative ones), else ~/fallback. */
export function xdgDir(
  env: Record<string, string | undefined>,
  variable: "XDG_STATE_HOME" | "XDG_CONFIG_HOME",
  fallback: string,
): string {
  const xdg = env[variable];
  return xdg?.startsWith("/") ? xdg : joinPath(homeDir(env), fallback);
}

/** The jlremote state root for an environment. */
export function stateRoot(env: Record<string, string | undefined>): string {
  return joinPath(xdgDir(env, "XDG_STATE_HOME", ".local/state"), "jlremote");
}

/** Instance names are path components: letters, digits, dot, dash, underscore. */
export function validateName(name: string): string {
  if (!isInstanceName(name)) {
    throw usageError(
      `invalid --name '${name}': use letters, digits, '.', '-', '_' (at most 64, not starting with '.' or '-')`,
    );
  }
  return name;
}

/** Paths of the named instance under the state root. */
export function instancePaths(env: Record<string, string | undefined>, name: string): InstancePaths {
  const dir = joinPath(stateRoot(env), validateName(name));
  return {
    name,
    dir,
    stateFile: joinPath(dir, "state.json"),
    lockFile: joinPath(dir, "start"),
    logFile: joinPath(dir, "supervisor.log"),
    jupyterLogFile: joinPath(dir, "jupyter.log"),
  };
}

/** Resolve `--root-dir` against cwd and check that it is an existing directory. */
export function resolveRootDir(raw: string | undefined, cwd: string): string {
  const dir = raw === undefined ? cwd : resolve(cwd, raw);
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw usageError(`--root-dir ${raw ?? dir}: no such directory; create it or pass an existing one`);
  return dir;
}
