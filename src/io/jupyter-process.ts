// Spawns Jupyter as a child of the supervisor with its output going straight to a log file (no pipes to break).
import { spawn } from "node:child_process";
import type { ProcessIdentity } from "../core/types.js";
import { identify } from "./process-identity.js";

/** A running Jupyter child. */
export interface JupyterChild {
  identity: ProcessIdentity;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn `jupyter args…` in `cwd` with `env`, stdout/stderr appended to `logFd`. */
export function spawnJupyter(
  jupyter: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  logFd: number,
): Promise<JupyterChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(jupyter, args, { cwd, env, stdio: ["ignore", logFd, logFd] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      child.once("exit", (code, signal) => res({ code, signal }));
    });
    child.once("error", (err) => reject(err));
    child.once("spawn", () => {
      const identity = child.pid === undefined ? null : identify(child.pid);
      // A process that exited within microseconds has no identity left; keep its PID with a start time of -1.
      resolve({ identity: identity ?? { pid: child.pid ?? -1, startTime: -1, host: "", bootId: "" }, exited });
    });
  });
}
