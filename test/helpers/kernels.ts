// Talking to kernels the way a browser tab does (the kernel websocket, through Jupyter's URL), and counting zombies.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";

const wsClient = resolve(import.meta.dirname, "../fixtures/kernel-ws.py");

/** Run `code` in a kernel over /api/kernels/ID/channels (tornado's websocket client, from Debian's python3). */
export function runCode(
  port: number,
  token: string,
  kernelId: string,
  code: string,
): Promise<{ status: string; text: string }> {
  return new Promise((res, rej) => {
    const child = spawn("/usr/bin/python3", [wsClient, `http://127.0.0.1:${port}`, kernelId, code], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", JLR_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) rej(new Error(`kernel-ws.py exited ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}`));
      else res(JSON.parse(out) as { status: string; text: string });
    });
  });
}

/** POST /api/kernels; the new kernel's id. */
export async function newKernel(port: number, token: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/api/kernels`, {
    method: "POST",
    headers: { Authorization: `token ${token}` },
    body: JSON.stringify({ name: "python3" }),
    signal: AbortSignal.timeout(30_000),
  });
  if (r.status !== 201) throw new Error(`kernel start: HTTP ${r.status}`);
  return ((await r.json()) as { id: string }).id;
}

/** GET /api/kernels: the ids listed (null when Jupyter does not answer). */
export async function kernelIds(port: number, token: string): Promise<string[] | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/kernels`, {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    return r.status === 200 ? ((await r.json()) as { id: string }[]).map((k) => k.id) : null;
  } catch {
    return null;
  }
}

/** DELETE /api/kernels/ID: its HTTP status. */
export async function deleteKernel(port: number, token: string, id: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/api/kernels/${id}`, {
    method: "DELETE",
    headers: { Authorization: `token ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  return r.status;
}

/** The PID of the kernel process whose command line names its connection file, or null. */
export function kernelPid(id: string): number | null {
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, "utf8").includes(`kernel-${id}.json`) && stateOf(Number(e)) !== "Z")
        return Number(e);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** Zombie children of a process (what a reaper that does not reap leaves behind). */
export function zombieChildren(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      if (f[0] === "Z" && Number(f[1]) === pid) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** A process's environment as a map ({} when gone or unreadable). */
export function environOf(pid: number): Record<string, string> {
  try {
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
  } catch {
    return {};
  }
}

function stateOf(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch {
    return null;
  }
}

/** A kernel's execution_state from GET /api/kernels/ID (null when not answering). */
export async function executionState(port: number, token: string, id: string): Promise<string | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/kernels/${id}`, {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    return r.status === 200 ? ((await r.json()) as { execution_state: string }).execution_state : null;
  } catch {
    return null;
  }
}

/** POST /api/kernels/ID/ACTION (interrupt, restart): its HTTP status. */
export async function kernelAction(
  port: number,
  token: string,
  id: string,
  action: "interrupt" | "restart",
): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/api/kernels/${id}/${action}`, {
    method: "POST",
    headers: { Authorization: `token ${token}` },
    signal: AbortSignal.timeout(60_000),
  });
  await r.arrayBuffer();
  return r.status;
}
