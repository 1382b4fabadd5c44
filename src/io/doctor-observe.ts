// Gathers what `jlremote doctor` judges: jupyter, the state dir, a port, the filesystem, the launcher over ssh.
import { accessSync, constants, readdirSync, statfsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  parseJupyterVersions,
  type ConfigObservation,
  type JupyterObservation,
  type StateDirObservation,
} from "../core/doctor-checks.js";
import { readRemoteConfig, remoteConfigFile } from "./settings-file.js";
import type { LauncherObservation } from "../core/doctor-access.js";
import { pathAdvice } from "../core/launcher.js";
import { remoteCommandLine } from "../core/ssh-command.js";
import { pickApp } from "../core/jupyter-install.js";
import type { JupyterApp } from "../core/types.js";
import { detectInstall } from "./jupyter-detect.js";
import { findOnPath, inspectLauncherFile } from "./launcher-file.js";
import { runCommand } from "./run-command.js";
import { nonInteractivePath, runLikeSsh } from "./ssh-shell.js";

type Env = Record<string, string | undefined>;

/** Find jupyter (`--jupyter`, default on PATH), detect what it offers, run its `--version`. */
export async function observeJupyter(
  jupyter: string,
  env: Env,
  cwd: string,
  prologue: string | null = null,
): Promise<JupyterObservation> {
  let found;
  try {
    found = await detectInstall(jupyter, env, cwd, prologue);
  } catch {
    return { found: false, name: jupyter, searched: env.PATH ?? "" };
  }
  const { install } = found;
  const [file, ...args] =
    install.kind === "python" ? [install.path, "-m", "jupyter", "--version"] : [install.path, "--version"];
  const r = await runCommand(file as string, args, { env: found.env, cwd, timeoutMs: 20_000 });
  const runs = r.code === 0;
  const error = runs
    ? null
    : r.timedOut
      ? "`--version` timed out after 20 s"
      : r.stderr.trim().split("\n").pop() || r.spawnError || `exit ${r.code}`;
  const versions = parseJupyterVersions(r.stdout);
  // jupyter-lab --version prints the bare version of its own package.
  if (install.kind === "entry" && install.entryApp !== null && /^\d[\w.]*$/.test(r.stdout.trim()))
    versions[{ lab: "jupyterlab", notebook: "notebook", server: "jupyter_server" }[install.entryApp]] = r.stdout.trim();
  const apps = (["lab", "notebook", "server"] as JupyterApp[]).filter((a) => install.commands[a] !== undefined);
  return {
    found: true,
    path: install.path,
    runs,
    error,
    versions,
    apps,
    kind: install.kind,
    autoCommand: install.commands[pickApp(install)],
    prologue: prologue !== null,
  };
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest existing directory at or above `path`. */
function existingAncestor(path: string): string {
  let p = path;
  for (;;) {
    try {
      if (statSync(p).isDirectory()) return p;
    } catch {
      /* keep climbing */
    }
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

/** Owner, mode and writability of the state root, and instance dirs or state files others can read or own. */
export function observeStateDir(root: string): StateDirObservation {
  const myUid = process.getuid?.() ?? -1;
  let st;
  try {
    st = statSync(root);
  } catch {
    return {
      root,
      exists: false,
      uid: null,
      mode: null,
      myUid,
      writable: writable(existingAncestor(root)),
      open: [],
      foreign: [],
    };
  }
  const open: string[] = [];
  const foreign: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    /* unreadable: writable() below says so */
  }
  for (const n of names) {
    for (const p of [join(root, n), join(root, n, "state.json")]) {
      try {
        const s = statSync(p);
        if (s.uid !== myUid && p === join(root, n)) foreign.push(p);
        else if ((s.mode & 0o077) !== 0) open.push(`${p} (${(s.mode & 0o777).toString(8)})`);
      } catch {
        /* no state.json */
      }
    }
  }
  return { root, exists: true, uid: st.uid, mode: st.mode, myUid, writable: writable(root), open, foreign };
}

/** The filesystem type (statfs magic) under which `path` lives. */
export function observeFilesystem(path: string): { path: string; type: number | null; error: string | null } {
  const at = existingAncestor(path);
  try {
    return { path: at, type: statfsSync(at).type >>> 0, error: null };
  } catch (err) {
    return { path: at, type: null, error: (err as Error).message };
  }
}

/** The launcher at ~/.local/bin and what `ssh host jlremote --version` (jllocal's lookup) does on this machine. */
export async function observeLauncher(
  env: Env,
  home: string,
  runningBundle: string,
  runningVersion: string,
): Promise<LauncherObservation> {
  const defaultFile = join(home, ".local", "bin", "jlremote");
  const [ssh, lookup] = await Promise.all([
    nonInteractivePath(env),
    runLikeSsh(remoteCommandLine(null, ["--version"]), env, 15_000),
  ]);
  const seen = inspectLauncherFile(defaultFile);
  const file: LauncherObservation["file"] = seen.kind === "ours" ? { kind: "ours", bundle: seen.target.bundle } : seen;
  return {
    defaultFile,
    file,
    runningBundle,
    runningVersion,
    sshPath: ssh.path,
    shell: ssh.shell,
    pathNote: ssh.note,
    firstOnPath: findOnPath("jlremote", ssh.path),
    lookup: {
      code: lookup.code,
      stdout: lookup.stdout,
      stderr: lookup.stderr,
      error: lookup.timedOut ? "timed out" : lookup.spawnError,
    },
    advice: pathAdvice(dirname(defaultFile), home, ssh.shell),
  };
}

/** The remote defaults file, parsed (the error message when it is invalid). */
export function observeConfig(env: Env, schedulers: readonly string[]): ConfigObservation {
  try {
    const { file, exists, config } = readRemoteConfig(env, schedulers);
    return {
      file,
      exists,
      error: null,
      instances: Object.keys(config.instances),
      profiles: Object.keys(config.profiles),
    };
  } catch (err) {
    return { file: remoteConfigFile(env), exists: true, error: (err as Error).message, instances: [], profiles: [] };
  }
}
