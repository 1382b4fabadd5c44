// What a `--jupyter` executable is (jupyter, an app's own entry point, or a Python interpreter) and the argv it takes.
import { usageError } from "./errors.js";
import type { JupyterApp } from "./types.js";

/** How an executable starts a Jupyter app. */
export type JupyterKind = "jupyter" | "entry" | "python";

/** A Jupyter install as detected: the executable, its kind, and which apps it offers (with how to start each). */
export interface JupyterInstall {
  path: string;
  kind: JupyterKind;
  /** For kind "entry": the app of the executable itself (jupyter-lab → lab). */
  entryApp: JupyterApp | null;
  /** App → the argv prefix that starts it (executable first), for every app this install offers. */
  commands: Partial<Record<JupyterApp, string[]>>;
}

const apps: readonly JupyterApp[] = ["lab", "notebook", "server"];

/** The Python module that `python -m` runs for an app. */
export const pythonModule: Record<JupyterApp, string> = {
  lab: "jupyterlab",
  notebook: "notebook",
  server: "jupyter_server",
};

/** Kind from the executable's file name: jupyter-lab/-notebook/-server, python*, anything else is jupyter-like. */
export function classifyJupyter(path: string): { kind: JupyterKind; entryApp: JupyterApp | null } {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const entry = /^jupyter-(lab|notebook|server)$/.exec(base);
  if (entry) return { kind: "entry", entryApp: entry[1] as JupyterApp };
  if (/^python(\d+(\.\d+)?)?$/.test(base)) return { kind: "python", entryApp: null };
  return { kind: "jupyter", entryApp: null };
}

/**
 * The argv prefix per offered app. `found` lists what detection saw: for jupyter and entry kinds, the executables
 * `jupyter-<app>` (absolute paths) next to it or on PATH, plus a sibling `jupyter`; for python, the importable modules.
 * `launcher`: that `jupyter` (the executable itself, or the sibling) is jupyter_core's Python launcher, which only
 * execs `jupyter-<app>` from its own directory first: then an entry point there is run directly, without the
 * launcher's own Python start (~0.1 s before every Jupyter start).
 */
export function installCommands(
  path: string,
  found: {
    entries: Partial<Record<JupyterApp, string>>;
    sibling: string | null;
    modules: JupyterApp[];
    launcher?: boolean;
  },
): JupyterInstall {
  const { kind, entryApp } = classifyJupyter(path);
  const commands: Partial<Record<JupyterApp, string[]>> = {};
  for (const app of apps) {
    if (kind === "python") {
      if (found.modules.includes(app)) commands[app] = [path, "-m", pythonModule[app]];
    } else if (kind === "jupyter") {
      const entry = found.entries[app];
      if (entry !== undefined) commands[app] = found.launcher && sameDir(entry, path) ? [entry] : [path, app];
    } else if (app === entryApp) {
      commands[app] = [path];
    } else if (found.entries[app] !== undefined) {
      // pipx/uv tools may expose only some entry points; one is run through a sibling `jupyter` unless that is
      // jupyter_core's launcher (which would exec this very entry point), else directly.
      commands[app] = found.sibling !== null && !found.launcher ? [found.sibling, app] : [found.entries[app] as string];
    }
  }
  return { path, kind, entryApp, commands };
}

function sameDir(a: string, b: string): boolean {
  return a.slice(0, a.lastIndexOf("/")) === b.slice(0, b.lastIndexOf("/"));
}

/** Pick the app for `--app auto`: lab, else notebook, else server, among what the install offers. */
export function pickApp(install: JupyterInstall): JupyterApp {
  for (const app of apps) if (install.commands[app] !== undefined) return app;
  // Nothing detected (a wrapper script, say): `jupyter server` is the lowest common denominator.
  return install.kind === "entry" && install.entryApp !== null ? install.entryApp : "server";
}

/** The argv prefix that runs `app` with this install; a usage error when it does not offer it. */
export function commandFor(install: JupyterInstall, app: JupyterApp): string[] {
  const known = install.commands[app];
  if (known !== undefined) return known;
  if (install.kind === "jupyter") return [install.path, app];
  const offered = apps.filter((a) => install.commands[a] !== undefined);
  throw usageError(
    `--app ${app}: ${install.path} offers ${offered.length > 0 ? offered.join(", ") : "no Jupyter app"}; ` +
      `pass --app ${offered[0] ?? "auto"} or another --jupyter`,
  );
}

/** The one-line description doctor and `config` print: "python -m jupyterlab (lab); also: server". */
export function describeInstall(install: JupyterInstall): string {
  const offered = apps.filter((a) => install.commands[a] !== undefined);
  return offered.length === 0
    ? "no app found"
    : offered.map((a) => `${a}: ${(install.commands[a] as string[]).join(" ")}`).join("; ");
}

/** The variable that carries the prologue's text into sh (dropped before the exec: Jupyter and kernels never see it). */
const PROLOGUE_ENV = "JLREMOTE_PROLOGUE";

/**
 * argv (and the environment addition) that runs `prologue` in sh and then execs `command` (same PID, so its identity is
 * Jupyter's). The text travels in the environment, which only you can read (/proc/PID/environ is 0400), never on the
 * command line, which everyone can (a prologue may `export API_KEY=…`).
 */
export function withPrologue(
  prologue: string | null,
  command: readonly string[],
): { argv: string[]; env: Record<string, string> } {
  if (prologue === null || prologue.trim() === "") return { argv: [...command], env: {} };
  // The token is in no environment (it travels in the config file), so the prologue's commands cannot see it.
  const script = `_jlr_p=$${PROLOGUE_ENV}; unset ${PROLOGUE_ENV}; eval "$_jlr_p" || { s=$?; echo "jlremote: the prologue failed (exit $s)" >&2; exit 126; }; unset _jlr_p; exec "$0" "$@"`;
  return { argv: ["/bin/sh", "-c", script, ...command], env: { [PROLOGUE_ENV]: prologue } };
}
