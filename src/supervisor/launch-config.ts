// The config file Jupyter is started with, and the messages for a Jupyter whose own config decides authentication.
import { jupyterConfigDir } from "../core/jupyter-paths.js";
import { writeFileAtomic } from "../io/atomic-file.js";
import { homeDir } from "../io/paths.js";
import { readPrivateFile } from "../io/private-file.js";

/**
 * Write Jupyter's config file unless it already holds exactly this (a crash restart on a full disk still works). No
 * fsync before Jupyter's spawn: the file is written again before every launch.
 */
export function writeConfigFile(file: string, text: string): void {
  const current = readPrivateFile(file);
  if (current.kind === "ok" && current.text === text) return;
  writeFileAtomic(file, text, 0o600, false);
}

/** The one-line failure for a Jupyter whose own configuration decides authentication. */
export function authProblem(why: "open" | "forbidden", env: Record<string, string | undefined>): string {
  const where = `look at the extra arguments after --, the config files in ${jupyterConfigDir(env, homeDir(env))} and in the other config dirs \`jupyter --paths\` lists`;
  return why === "open"
    ? `your Jupyter configuration disables authentication (/api/status answered without the token; ${where}): jlremote will not serve an open Jupyter`
    : `Jupyter refuses jlremote's token (HTTP 403): a configuration sets its own token or authentication; ${where}`;
}
