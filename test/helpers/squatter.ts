// A port squatter run as another user (uid 65534): told a port on stdin, it binds it as soon as it can and records requests.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { resolve } from "node:path";
import { killPid, waitFor } from "./cli.js";

const script = resolve(import.meta.dirname, "../fixtures/squatter.py");

/** A running squatter: what it printed, and how to aim it at a port. */
export interface Squatter {
  pid: number;
  /** Request heads it received (one line each). */
  requests: () => string[];
  /** Start binding `port` (retrying every ms until the port is free). */
  aim: (port: number) => void;
  /** Resolves once it holds the port. */
  bound: () => Promise<boolean>;
}

/** Start a squatter as uid 65534; it is killed (by PID) when the test ends. */
export function startSquatter(t: { after: (fn: () => unknown) => void }): Squatter {
  const child: ChildProcessWithoutNullStreams = spawn(
    "setpriv",
    ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", script],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  t.after(() => killPid(child.pid));
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", () => {});
  return {
    pid: child.pid as number,
    requests: () => out.split("\n").filter((l) => l.startsWith("REQUEST ")),
    aim: (port) => {
      child.stdin.write(`${port}\n`);
    },
    bound: () => waitFor("squatter bound", () => /^bound \d+$/m.test(out), 30_000, 5),
  };
}
