// Test harness: temp XDG/Jupyter dirs, running the built CLI, polling, and killing every process a test started.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";

/** Per-test timeout of the e2e tests (generous: the machine is loaded), so a hang fails one test, not the run. */
export const E2E_TIMEOUT_MS = 240_000;

/** The built CLI under test. */
export const CLI = resolve(import.meta.dirname, "../../dist/jlremote.cjs");

/** A private sandbox: HOME, XDG and Jupyter dirs all under one temp dir. */
export interface Sandbox {
  dir: string;
  env: Record<string, string>;
  stateDir: (name?: string) => string;
  /** Kill every process recorded by any instance (supervisor, Jupyter, kernels), then remove the dir. */
  cleanup: () => Promise<void>;
}

/** Make a sandbox; pass extra env to override. */
export function sandbox(extra: Record<string, string> = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "jlr-test-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CONFIG_HOME: join(dir, "config"),
    JUPYTER_RUNTIME_DIR: join(dir, "jupyter-runtime"),
    JUPYTER_CONFIG_DIR: join(dir, "jupyter-config"),
    JUPYTER_DATA_DIR: join(dir, "jupyter-data"),
    IPYTHONDIR: join(dir, "ipython"),
    LANG: "C.UTF-8",
    ...extra,
  };
  const stateDir = (name = "default") => join(env.XDG_STATE_HOME as string, "jlremote", name);
  return {
    dir,
    env,
    stateDir,
    cleanup: async () => {
      killRecorded(join(env.XDG_STATE_HOME as string, "jlremote"));
      // Retried: a process just killed may still be writing in it (ENOTEMPTY).
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** Result of one CLI run. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (or `opts.cli`, e.g. an installed copy) to completion (bounded by `timeoutMs`). */
export function runCli(
  args: string[],
  env: Record<string, string>,
  opts: { cwd?: string; timeoutMs?: number; input?: string; cli?: string } = {},
): Promise<RunResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], {
      env,
      cwd: opts.cwd ?? env.HOME,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Poll `cond` every `stepMs` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function waitFor<T>(
  what: string,
  cond: () => T | Promise<T>,
  timeoutMs = 20_000,
  stepMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A port that was free a moment ago (bound to 0 and released). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Is this PID a live (non-zombie) process? */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** PIDs of all live descendants of `root`, from /proc. */
export function descendantsOf(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(e)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const q = [root];
  while (q.length)
    for (const c of kids.get(q.shift() as number) ?? []) {
      out.push(c);
      q.push(c);
    }
  return out;
}

/** Start time (field 22) of a PID, or null: with the PID, a process's identity (a reused PID has another). */
export function startTime(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** SIGKILL the supervisor, Jupyter and descendants recorded in every state.json under `root`, checking start times. */
export function killRecorded(root: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    type Id = { pid: number; startTime: number };
    let rec: { supervisor?: Id | null; jupyter?: Id | null; keepers?: Id[]; children?: Id[] };
    try {
      rec = JSON.parse(readFileSync(join(root, n, "state.json"), "utf8"));
    } catch {
      continue;
    }
    // Keepers hold kernels kept across Jupyter restarts (also those of a supervisor SIGKILLed by the test).
    for (const id of [rec.supervisor, rec.jupyter, ...(rec.keepers ?? []), ...(rec.children ?? [])]) {
      if (id && startTime(id.pid) === String(id.startTime)) killTree(id.pid);
    }
  }
}

/** SIGKILL a PID we started and all its descendants (read before any dies, so none escapes to init). */
export function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const p of [pid, ...descendantsOf(pid)]) killPid(p);
}

/** SIGKILL the process group led by a PID we started with `detached: true` (gone or no group: nothing). */
export function killGroup(pid: number | undefined): void {
  if (pid !== undefined) killPid(-pid);
}

/** The first line a child prints on `stream`; rejects after `timeoutMs` or when the stream ends without one. */
export function firstLine(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((res, rej) => {
    let text = "";
    const done = (err: Error | null, line = "") => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      if (err) rej(err);
      else res(line);
    };
    const onData = (d: Buffer | string) => {
      text += d;
      const nl = text.indexOf("\n");
      if (nl >= 0) done(null, text.slice(0, nl));
    };
    const onEnd = () => done(new Error(`the output ended before a first line (got ${JSON.stringify(text)})`));
    const timer = setTimeout(() => done(new Error(`no first line within ${timeoutMs} ms`)), timeoutMs);
    stream.on("data", onData);
    stream.once("end", onEnd);
  });
}

/** Kill a PID we started, ignoring "already gone". */
export function killPid(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

/** GET a URL on loopback and return the HTTP status (0 on error). */
export async function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const r = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(5000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** True when `cmd` is on PATH. */
export function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** PIDs (not this process) whose environment contains `needle` (e.g. a sandbox's `HOME=<dir>`), optionally whose cmdline matches. */
export function processesWithEnv(needle: string, cmd?: RegExp): number[] {
  const out: number[] = [];
  const want = Buffer.from(`\0${needle}\0`);
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid || !alive(Number(e))) continue;
    try {
      if (Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${e}/environ`)]).indexOf(want) < 0) continue;
      if (cmd && !cmd.test(readFileSync(`/proc/${e}/cmdline`, "utf8").replaceAll("\0", " "))) continue;
      out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}
