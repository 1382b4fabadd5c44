// Finds which Jupyter flavour an install is (jupyter_server and notebook major versions), for the config keys.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename, delimiter, dirname, isAbsolute, join } from "node:path";
import type { JupyterFlavour } from "../core/jupyter-config.js";
import type { JupyterApp } from "../core/types.js";
import { writeFileAtomic } from "./atomic-file.js";
import { readPrivateFile } from "./private-file.js";
import { runCommand } from "./run-command.js";

// Asks the interpreter that runs the app for the installed versions (what it would import); fast, no Jupyter import.
const probe = [
  "import json",
  "from importlib.metadata import version, PackageNotFoundError",
  "def v(d):",
  "    try: return version(d)",
  "    except PackageNotFoundError: return None",
  "print(json.dumps({'jupyter_server': v('jupyter_server'), 'notebook': v('notebook')}))",
].join("\n");

/** The flavour of the install that `command` (argv prefix of the app) runs; cached in `cacheFile` until its script changes. */
export async function detectFlavour(
  command: readonly string[],
  app: JupyterApp,
  env: Record<string, string | undefined>,
  cacheFile: string,
): Promise<JupyterFlavour> {
  const [exe = "jupyter", second] = command;
  // `python -m jupyterlab`: the interpreter itself; `jupyter-lab`: that script; `jupyter lab`: jupyter-lab beside it.
  const viaPython = second === "-m";
  const script = viaPython ? exe : command.length === 1 ? exe : appScript(exe, app, env);
  const python = script === null ? null : viaPython ? exe : interpreterOf(script, env);
  if (script === null || python === null) return { serverMajor: null, notebookMajor: null };
  const st = statSync(script);
  const key = [script, python, st.mtimeMs, st.size, env.PYTHONPATH ?? "", env.PYTHONNOUSERSITE ?? ""].join("|");
  const cached = readCache(cacheFile, key);
  if (cached !== null) return cached;
  const r = await runCommand(python, ["-c", probe], { env, timeoutMs: 15_000 });
  const flavour = parseVersions(r.code === 0 ? r.stdout : "");
  if (r.code === 0) {
    try {
      writeFileAtomic(cacheFile, `${JSON.stringify({ key, flavour })}\n`, 0o600);
    } catch {
      /* a cache only */
    }
  }
  return flavour;
}

/** Majors from the probe's JSON line (nulls when unreadable). */
function parseVersions(stdout: string): JupyterFlavour {
  const major = (v: unknown): number | null =>
    typeof v === "string" && /^\d+/.test(v) ? Number.parseInt(v, 10) : null;
  try {
    const o = JSON.parse(stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
    return { serverMajor: major(o.jupyter_server), notebookMajor: major(o.notebook) };
  } catch {
    return { serverMajor: null, notebookMajor: null };
  }
}

function readCache(file: string, key: string): JupyterFlavour | null {
  try {
    const read = readPrivateFile(file);
    if (read.kind !== "ok") return null;
    const o = JSON.parse(read.text) as { key?: string; flavour?: JupyterFlavour };
    return o.key === key && o.flavour ? o.flavour : null;
  } catch {
    return null;
  }
}

/** The script `jupyter <app>` execs: jupyter-<app> next to jupyter, else on PATH (as jupyter_core looks it up). */
function appScript(jupyter: string, app: JupyterApp, env: Record<string, string | undefined>): string | null {
  if (basename(jupyter).startsWith("jupyter-")) return jupyter;
  const dirs = [dirname(jupyter), ...(env.PATH ?? "").split(delimiter).filter(Boolean)];
  for (const d of dirs) {
    const f = join(d, `jupyter-${app}`);
    try {
      if (statSync(f).isFile()) return f;
    } catch {
      /* next */
    }
  }
  return null;
}

/** The Python interpreter of a script from its `#!` line (`#!/usr/bin/env python3` is looked up on PATH). */
function interpreterOf(script: string, env: Record<string, string | undefined>): string | null {
  let head = "";
  try {
    const fd = openSync(script, "r");
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    head = buf.subarray(0, n).toString("utf8").split("\n")[0] ?? "";
  } catch {
    return null;
  }
  if (!head.startsWith("#!")) return null;
  const words = head.slice(2).trim().split(/\s+/);
  let cmd = words[0] ?? "";
  if (basename(cmd) === "env") cmd = words.find((w, i) => i > 0 && !w.startsWith("-")) ?? "";
  if (!basename(cmd).startsWith("python")) return null;
  if (isAbsolute(cmd)) return cmd;
  for (const d of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      if (statSync(join(d, cmd)).isFile()) return join(d, cmd);
    } catch {
      /* next */
    }
  }
  return null;
}
