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

/** Every token-like string (jlremote's are 48 hex digits) and Cookie header the squatter received. */
export function capturedCredentials(sq: Squatter): { tokens: string[]; cookies: string[] } {
  const tokens = new Set<string>();
  const cookies = new Set<string>();
  for (const r of sq.requests()) {
    for (const m of r.matchAll(/\b[0-9a-f]{48}\b/g)) tokens.add(m[0]);
    for (const m of r.matchAll(/\| Cookie: ([^|]+)/gi)) cookies.add((m[1] as string).trim());
  }
  return { tokens: [...tokens], cookies: [...cookies] };
}

/** Try everything the squatter received against the real Jupyter on 127.0.0.1:port: HTTP statuses that let it in. */
export async function openedBy(sq: Squatter, port: number): Promise<string[]> {
  const { tokens, cookies } = capturedCredentials(sq);
  const tries = [
    ...tokens.map((t) => ({ what: `token ${t.slice(0, 6)}…`, headers: { Authorization: `token ${t}` } })),
    ...cookies.map((c) => ({ what: `cookie ${c.slice(0, 20)}…`, headers: { Cookie: c } })),
  ];
  const opened: string[] = [];
  for (const x of tries) {
    const r = await fetch(`http://127.0.0.1:${port}/api/contents`, {
      headers: x.headers,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    if (r.status !== 403 && r.status !== 302) opened.push(`${x.what}: HTTP ${r.status}`);
  }
  return opened;
}

/** IPv6-only listeners on [::]:PORT as uid 65534 (allowed beside an IPv4 listener); busy ports are skipped. */
export async function startV6Decoys(
  t: { after: (fn: () => unknown) => void },
  ports: readonly number[],
): Promise<{ pid: number; bound: number[] }> {
  const code = [
    "import socket, sys, time",
    "held = []",
    "for p in map(int, sys.argv[1:]):",
    "    s = socket.socket(socket.AF_INET6)",
    "    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)",
    "    try:",
    "        s.bind(('::', p)); s.listen(8); held.append(s)",
    "    except OSError:",
    "        s.close()",
    "print('bound ' + ' '.join(str(s.getsockname()[1]) for s in held), flush=True)",
    "time.sleep(3600)",
  ].join("\n");
  const child = spawn(
    "setpriv",
    ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", code, ...ports.map(String)],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  t.after(() => killPid(child.pid));
  const line = await new Promise<string>((r) => child.stdout.once("data", (d) => r(String(d))));
  return { pid: child.pid as number, bound: line.trim().split(" ").slice(1).map(Number) };
}
