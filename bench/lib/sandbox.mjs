// A private sandbox (HOME, XDG_*, JUPYTER_* under one temp dir) that remembers every process the bench starts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { descendants, procStat, sameProcess } from "./proc.mjs";

/** Make the sandbox; `cleanup()` kills what was started (by PID and start time) and removes the dir. */
export function makeSandbox() {
  const dir = mkdtempSync(join(tmpdir(), "jlr-bench-"));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_RUNTIME_DIR: join(dir, "xdg-runtime"),
    JUPYTER_RUNTIME_DIR: join(dir, "jupyter-runtime"),
    JUPYTER_CONFIG_DIR: join(dir, "jupyter-config"),
    JUPYTER_DATA_DIR: join(dir, "jupyter-data"),
    IPYTHONDIR: join(dir, "ipython"),
    LANG: "C.UTF-8",
  };
  const rootDir = join(dir, "work");
  mkdirSync(rootDir);
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
  /** Processes started directly (timed commands, by-hand Jupyters, idle node): pid -> start time. */
  const started = new Map();
  /** PIDs of commands in flight (killed on interrupt). */
  const inflight = new Set();
  const remember = (pid) => {
    const st = procStat(pid);
    if (st) started.set(pid, st.startTime);
  };
  const forget = (pid) => started.delete(pid);
  /** More state roots whose recorded processes cleanup kills (the remote account's, figures 7-8). */
  const killRoots = [join(env.XDG_STATE_HOME, "jlremote")];
  /** More things to end at cleanup, run first (synchronous: cleanup also runs from a signal handler). */
  const hooks = [];
  const cleanup = () => {
    for (const h of hooks.splice(0)) {
      try {
        h();
      } catch {
        /* best effort */
      }
    }
    for (const pid of inflight) killQuietly(pid);
    for (const [pid, startTime] of started) killTree(pid, startTime);
    for (const root of killRoots) killRecorded(root);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, env, rootDir, inflight, remember, forget, cleanup, killRoots, onCleanup: (h) => hooks.push(h) };
}

/** SIGKILL a process we started (if it is still that process) and its current descendants. */
export function killTree(pid, startTime) {
  if (!sameProcess(pid, startTime)) return;
  for (const p of [...descendants(pid), pid]) killQuietly(p);
}

/** Kill every supervisor and Jupyter tree recorded in the sandbox's state files (identity-checked). */
function killRecorded(root) {
  let names = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    let rec;
    try {
      rec = JSON.parse(readFileSync(join(root, n, "state.json"), "utf8"));
    } catch {
      continue;
    }
    for (const id of [rec.supervisor, rec.jupyter, ...(rec.children ?? [])]) if (id) killTree(id.pid, id.startTime);
  }
}

function killQuietly(pid) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}
