// `jlremote doctor`'s decisions for this machine's basics: node, jupyter, state dir, port, filesystem.
import type { JupyterApp } from "./types.js";

/** How bad a finding is: a problem stops jlremote from working (doctor exits 1), a warning does not. */
export type CheckStatus = "ok" | "warning" | "problem";

/** One line of the doctor's report. */
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about it (null when there is nothing to do). */
  hint: string | null;
}

/** The oldest Node.js jlremote supports (package.json engines). */
const MIN_NODE = "20.19.0";

function versionAtLeast(have: string, want: string): boolean {
  const a = have
    .replace(/^v/, "")
    .split(".")
    .map((n) => Number.parseInt(n, 10) || 0);
  const b = want.split(".").map((n) => Number(n));
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** Node.js version check. */
export function checkNode(version: string, execPath: string): Check {
  return versionAtLeast(version, MIN_NODE)
    ? { id: "node", status: "ok", message: `node ${version} (${execPath})`, hint: null }
    : {
        id: "node",
        status: "problem",
        message: `node ${version} (${execPath}) is older than ${MIN_NODE}`,
        hint: "install Node.js >= 20.19 (nvm, conda's nodejs, or your distribution), then run `jlremote install` with it",
      };
}

/** Component versions from `jupyter --version` ("jupyter_server   : 1.23.3"; "not installed" lines dropped). */
export function parseJupyterVersions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*([A-Za-z0-9_.-]+)\s*:\s*(\S.*?)\s*$/gm)) {
    if (m[1] && m[2] && m[2] !== "not installed") out[m[1]] = m[2];
  }
  return out;
}

/** What doctor saw of Jupyter. */
export type JupyterObservation =
  | { found: false; name: string; searched: string }
  | {
      found: true;
      path: string;
      runs: boolean;
      error: string | null;
      versions: Record<string, string>;
      apps: JupyterApp[];
      /** How the install was recognized (jupyter, entry = jupyter-lab & co., python) and what auto runs. */
      kind?: string;
      autoCommand?: string[];
      prologue?: boolean;
    };

const APP_PACKAGE: Record<JupyterApp, string> = { lab: "jupyterlab", notebook: "notebook", server: "jupyter_server" };

/** Jupyter found, running, and with an app that has a web UI. */
export function checkJupyter(o: JupyterObservation): Check {
  const id = "jupyter";
  if (!o.found) {
    return {
      id,
      status: "problem",
      message: o.name.includes("/")
        ? `--jupyter ${o.name} is not an executable file`
        : `no '${o.name}' on PATH (${o.searched || "empty"})`,
      hint: "pip install --user jupyterlab (or apt install jupyter-notebook), or give its path: --jupyter PATH (start takes it too)",
    };
  }
  if (!o.runs) {
    return {
      id,
      status: "problem",
      message: `${o.path} does not run: ${o.error ?? "no output"}`,
      hint: "repair that Python environment, or pass --jupyter with another jupyter",
    };
  }
  const core = o.versions.jupyter_core ? ` (jupyter_core ${o.versions.jupyter_core})` : "";
  const apps = o.apps
    .map((a) => `${a}${o.versions[APP_PACKAGE[a]] ? ` ${o.versions[APP_PACKAGE[a]]}` : ""}`)
    .join(", ");
  if (o.apps.length === 0) {
    return {
      id,
      status: "problem",
      message: `${o.path}${core} has none of lab, notebook, server`,
      hint: "pip install --user jupyterlab in that environment",
    };
  }
  const message = `${o.path}${o.kind && o.kind !== "jupyter" ? ` (${o.kind === "python" ? "a Python interpreter" : "an app's own entry point"})` : ""}${core}; apps: ${apps}`;
  if (!o.apps.includes("lab") && !o.apps.includes("notebook")) {
    return {
      id,
      status: "warning",
      message: `${message} (jupyter server alone has no web UI)`,
      hint: "pip install --user jupyterlab for the browser UI",
    };
  }
  const how = o.autoCommand ? ` (${o.prologue ? "after the prologue: " : ""}${o.autoCommand.join(" ")})` : "";
  return {
    id,
    status: "ok",
    message: `${message}; --app auto picks ${o.apps.includes("lab") ? "lab" : "notebook"}${how}`,
    hint: null,
  };
}

/** What doctor saw of the state root and its instance directories. */
export interface StateDirObservation {
  root: string;
  exists: boolean;
  uid: number | null;
  mode: number | null;
  myUid: number;
  /** Can we create files in it (or create it, when absent)? */
  writable: boolean;
  /** Instance dirs or state files readable by others (paths with modes, e.g. "x/default (755)"). */
  open: string[];
  /** Instance dirs that belong to another user. */
  foreign: string[];
}

/** State root: ours, private and writable. */
export function checkStateDir(o: StateDirObservation): Check {
  const id = "state-dir";
  const hintOwn = "set XDG_STATE_HOME to a directory of your own (it must be the same for every jlremote command)";
  if (o.exists && o.uid !== null && o.uid !== o.myUid) {
    return {
      id,
      status: "problem",
      message: `${o.root} belongs to uid ${o.uid}, not to you (uid ${o.myUid})`,
      hint: hintOwn,
    };
  }
  if (o.foreign.length > 0) {
    return {
      id,
      status: "problem",
      message: `instance dirs of another user in ${o.root}: ${o.foreign.join(", ")}`,
      hint: hintOwn,
    };
  }
  if (!o.writable) {
    return {
      id,
      status: "problem",
      message: `${o.exists ? o.root : `the parent of ${o.root}`} is not writable`,
      hint: `make it writable, or ${hintOwn}`,
    };
  }
  if (!o.exists)
    return {
      id,
      status: "ok",
      message: `${o.root} does not exist yet; \`jlremote start\` creates it (mode 700)`,
      hint: null,
    };
  const mode = (o.mode ?? 0) & 0o777;
  const open = [...((mode & 0o077) !== 0 ? [`${o.root} (${mode.toString(8)})`] : []), ...o.open];
  if (open.length > 0) {
    return {
      id,
      status: "warning",
      message: `readable by others: ${open.join(", ")}`,
      hint: `chmod -R go-rwx ${o.root} (\`jlremote start\` tightens an instance dir it uses, not the rest)`,
    };
  }
  return { id, status: "ok", message: `${o.root} (700, yours)`, hint: null };
}

/** A free port for `jlremote start` without --port. */
export function checkPort(o: { preferred: number; free: number | null; span: number }): Check {
  if (o.free === o.preferred)
    return { id: "port", status: "ok", message: `127.0.0.1:${o.preferred} is free`, hint: null };
  if (o.free !== null) {
    return {
      id: "port",
      status: "ok",
      message: `127.0.0.1:${o.preferred} is busy; \`jlremote start\` would take ${o.free}`,
      hint: null,
    };
  }
  return {
    id: "port",
    status: "problem",
    message: `no free port on 127.0.0.1 in ${o.preferred}-${o.preferred + o.span - 1}`,
    hint: "pass --port N to start, or --sock (a unix socket, no port)",
  };
}

/** statfs f_type magic numbers of network filesystems HPC homes live on. */
const NETWORK_FS: Record<number, string> = {
  26985: "NFS",
  4283649346: "CIFS",
  4266872130: "SMB2",
  198183888: "Lustre",
  1196443219: "GPFS",
  428016422: "BeeGFS",
  12805120: "CephFS",
  19993000: "IBRIX",
  1799439955: "AFS",
};

/** What the state lives on, and what that means for locks and several login nodes. */
export function checkFilesystem(o: { path: string; type: number | null; error: string | null }): Check {
  const id = "filesystem";
  if (o.type === null)
    return {
      id,
      status: "warning",
      message: `could not stat the filesystem of ${o.path}: ${o.error ?? "unknown"}`,
      hint: null,
    };
  const net = NETWORK_FS[o.type];
  if (net === undefined)
    return {
      id,
      status: "ok",
      message: `${o.path} is on a local filesystem (type 0x${o.type.toString(16)})`,
      hint: null,
    };
  return {
    id,
    status: "ok",
    message: `${o.path} is on ${net}: the start lock is an atomic mkdir (safe there); an instance started on another login node shows as elsewhere (exit 4)`,
    hint: "run jlremote commands for an instance on the node that started it; for per-node state, set XDG_STATE_HOME to a local directory",
  };
}

/** What doctor saw of the remote defaults file. */
export type ConfigObservation = {
  file: string;
  exists: boolean;
  error: string | null;
  instances: string[];
  profiles: string[];
};

/** The remote defaults file: absent is fine, invalid is a problem (every start would fail with exit 2). */
export function checkConfig(o: ConfigObservation): Check {
  const id = "config";
  if (o.error !== null)
    return {
      id,
      status: "problem",
      message: o.error,
      hint: `fix ${o.file} (see docs/configuration.md), or move it away`,
    };
  if (!o.exists) return { id, status: "ok", message: `no ${o.file} (built-in defaults)`, hint: null };
  const parts = [
    o.instances.length > 0 && `instances: ${o.instances.join(", ")}`,
    o.profiles.length > 0 && `profiles: ${o.profiles.join(", ")}`,
  ].filter(Boolean);
  return {
    id,
    status: "ok",
    message: `${o.file} is valid${parts.length > 0 ? ` (${parts.join("; ")})` : ""}`,
    hint: null,
  };
}
