// Helpers for tests that talk to a running instance: status, kernels, processes.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { descendantsOf, runCli, waitFor, type Sandbox } from "./cli.js";

/** The fields of status --json the tests use. */
export interface Status {
  state: string;
  url: string;
  token: string;
  port: number | null;
  socket: string | null;
  host: string;
  supervisorPid: number;
  jupyterPid: number;
  restarts: number;
  reason: string | null;
  elsewhere: boolean;
  lastExit: { code: number | null; signal: string | null; reason?: string } | null;
  [k: string]: unknown;
}

/** status --json (and its exit code) for an instance. */
export async function status(sb: Sandbox, name = "default"): Promise<Status & { code: number | null }> {
  const r = await runCli(["status", "--json", "--name", name], sb.env);
  return { ...(JSON.parse(r.stdout) as Status), code: r.code };
}

/** Start a kernel through the REST API (TCP instance) and return the kernel's PID once it exists. */
export async function startKernel(port: number, token: string, jupyterPid: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/kernels`, {
    method: "POST",
    headers: { Authorization: `token ${token}` },
    body: JSON.stringify({ name: "python3" }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201) throw new Error(`kernel start: HTTP ${res.status}`);
  return waitFor(
    "kernel process",
    () => descendantsOf(jupyterPid).find((p) => cmdline(p).includes("ipykernel")) ?? null,
  );
}

/** A process's command line with spaces for NULs ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** The connection file of a kernel process (from its `-f` argument). */
export function connectionFile(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const f = argv[argv.indexOf("-f") + 1];
  if (!f) throw new Error(`no connection file in the command line of ${pid}`);
  return f;
}

/** Run Python code in a kernel over its connection file (jupyter_client, real ZMQ); returns what it printed. */
export function execInKernel(pid: number, code: string): string {
  const r = spawnSync(
    "/usr/bin/python3",
    [resolve(import.meta.dirname, "../fixtures/kernel-exec.py"), connectionFile(pid), code],
    { encoding: "utf8", timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`kernel exec failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** The instance marker recorded in state.json. */
export function instanceId(sb: Sandbox, name = "default"): string {
  return (JSON.parse(readFileSync(`${sb.stateDir(name)}/state.json`, "utf8")) as { instanceId: string }).instanceId;
}

/** Write `text` as the user's Jupyter config (the sandbox's JUPYTER_CONFIG_DIR), under each name in `files`. */
export function writeUserConfig(sb: Sandbox, files: readonly string[], text: string): void {
  const dir = sb.env.JUPYTER_CONFIG_DIR as string;
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file), text);
}
