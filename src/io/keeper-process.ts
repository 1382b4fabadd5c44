// The keeper's process (python/jlremote_keeper.py; its protocol is io/keeper.ts): which Python runs it, and its spawn,
// also ahead of its supervisor's options by a warm supervisor (src/io/warm-supervisor.ts), before its command tree loads.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, realpathSync } from "node:fs";
import { basename, delimiter, dirname, isAbsolute, join } from "node:path";
import type { EarlyKeeper } from "../core/warm-supervisor.js";

/** The keeper script's file name in the bundled Python dir. */
export const KEEPER_SCRIPT = "jlremote_keeper.py";

/** The Python of a `jupyter` script (its #! line, also pip's long-path `exec` form), else `python3` from PATH. */
export function pythonOf(jupyter: string, env: Record<string, string | undefined>): string {
  const path = isAbsolute(jupyter)
    ? jupyter
    : (env.PATH ?? "")
        .split(delimiter)
        .map((d) => join(d, jupyter))
        .find((p) => existsSync(p));
  if (path) {
    // An env's interpreter given as --jupyter (`python -m jupyterlab`) is the keeper's python too.
    if (/^python[0-9.]*$/.test(basename(path))) return path;
    const head = readHead(path);
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
    const interp = shebang?.[1]?.endsWith("/env") ? shebang[2] : shebang?.[1];
    if (interp && /python[0-9.]*$/.test(interp)) return interp;
    const exec = /^'''exec' '?"?([^'"\s]+)/m.exec(head);
    if (exec?.[1]) return exec[1];
  }
  return "python3";
}

function readHead(path: string): string {
  try {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(512);
      return buf.subarray(0, readSync(fd, buf, 0, 512, 0)).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

/**
 * Spawn the keeper with `python` (-I -S: no PYTHON* variables, no user site, no site import; the standard library is
 * all it needs) and nothing of our environment but PATH. stdin takes its ops, stdout gives its events, stderr its last
 * words until it is ready (it then writes to Jupyter's log, named by each spawn op).
 */
export function spawnKeeperProcess(python: string, script: string): ChildProcess {
  const child = spawn(python, ["-I", "-S", script], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  child.on("error", () => {}); // no such python: the protocol side sees the exit (io/keeper.ts)
  child.stdin?.on("error", () => {}); // it died meanwhile: the same
  return child;
}

/**
 * A supervisor's keeper, spawned before its command tree loads: with the Python of `jupyter` (its run argv's; for a
 * warm supervisor started without --jupyter, whose options come later, the `jupyter` on PATH: most instances' Jupyter;
 * the supervisor lets it go when its options name another one) and the script beside `bundle`; null when that script
 * is not there.
 */
export function spawnEarlyKeeper(
  bundle: string,
  env: Record<string, string | undefined>,
  jupyter = "jupyter",
): EarlyKeeper<ChildProcess> | null {
  let script: string;
  try {
    script = join(dirname(realpathSync(bundle)), "python", KEEPER_SCRIPT);
  } catch {
    return null;
  }
  if (!existsSync(script)) return null;
  const python = pythonOf(jupyter, env);
  return { python, script, process: spawnKeeperProcess(python, script) };
}

/** Let a keeper started ahead go: at EOF on its stdin, with no child, it exits. */
export function letKeeperGo(early: EarlyKeeper<ChildProcess>): void {
  early.process.stdin?.end();
  early.process.stdout?.destroy();
  early.process.stderr?.destroy();
}
