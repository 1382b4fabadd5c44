// Helpers for tests that talk to a running instance: status, kernels, processes.
import { readFileSync } from "node:fs";
import { descendantsOf, runCli, waitFor, type Sandbox } from "./cli.js";

/** The fields of status --json the tests use. */
export interface Status {
  state: string; url: string; token: string; port: number | null; socket: string | null; host: string;
  supervisorPid: number; jupyterPid: number; restarts: number; reason: string | null; elsewhere: boolean;
  lastExit: { code: number | null; signal: string | null; reason?: string } | null; [k: string]: unknown;
}

/** status --json (and its exit code) for an instance. */
export async function status(sb: Sandbox, name = "default"): Promise<Status & { code: number | null }> {
  const r = await runCli(["status", "--json", "--name", name], sb.env);
  return { ...(JSON.parse(r.stdout) as Status), code: r.code };
}

/** Start a kernel through the REST API (TCP instance) and return the kernel's PID once it exists. */
export async function startKernel(port: number, token: string, jupyterPid: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/kernels`, { method: "POST", headers: { Authorization: `token ${token}` }, body: JSON.stringify({ name: "python3" }), signal: AbortSignal.timeout(10_000) });
  if (res.status !== 201) throw new Error(`kernel start: HTTP ${res.status}`);
  return waitFor("kernel process", () => descendantsOf(jupyterPid).find((p) => cmdline(p).includes("ipykernel")) ?? null);
}

/** A process's command line with spaces for NULs ('' when gone). */
export function cmdline(pid: number): string {
  try { return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "); } catch { return ""; }
}

/** Wait until the supervisor has recorded `pid` among Jupyter's children in state.json. */
export function waitRecordedChild(sb: Sandbox, pid: number, name = "default"): Promise<boolean> {
  return waitFor(`child ${pid} in state.json`, () => {
    try {
      const rec = JSON.parse(readFileSync(`${sb.stateDir(name)}/state.json`, "utf8")) as { children: { pid: number }[] };
      return rec.children.some((c) => c.pid === pid);
    } catch { return false; }
  }, 15_000);
}
