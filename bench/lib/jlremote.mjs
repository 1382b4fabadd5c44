// Drives the built CLI (dist/jlremote.cjs) inside the sandbox, the way a user's shell would.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { alive, descendants, waitAllGone } from "./proc.mjs";
import { expectOk, timed } from "./timing.mjs";

/** The built CLI. */
export const CLI = resolve(import.meta.dirname, "../../dist/jlremote.cjs");

/** argv running `jlremote ...args` with this node (no `env node` PATH lookup, same as `node -e 0`). */
export function cli(...args) {
  return [process.execPath, CLI, ...args];
}

/** Run the CLI timed. */
export function run(sb, args, timeoutMs = 120_000) {
  return timed(cli(...args), { env: sb.env, cwd: sb.rootDir, timeoutMs, track: sb.inflight });
}

/** `jlremote start --app server` (timed); checks it returned a URL. */
export async function start(sb, name) {
  const r = expectOk(
    await run(sb, ["start", "--app", "server", "--name", name, "--root-dir", sb.rootDir, "--json"]),
    `jlremote start --name ${name}`,
  );
  const st = JSON.parse(r.stdout);
  if (st.state !== "running" || !st.url) throw new Error(`jlremote start --name ${name} returned state ${st.state}`);
  return { ms: r.ms, status: st };
}

/** The recorded state of an instance. */
export function state(sb, name) {
  return JSON.parse(readFileSync(join(sb.env.XDG_STATE_HOME, "jlremote", name, "state.json"), "utf8"));
}

/** Every live process of an instance's tree: supervisor, Jupyter, kernels. */
export function treePids(sb, name) {
  const rec = state(sb, name);
  const roots = [rec.supervisor?.pid, rec.jupyter?.pid].filter((p) => p !== undefined && alive(p));
  return [...new Set(roots.flatMap((p) => [p, ...descendants(p)]))];
}

/** `jlremote stop` and wait until every process of the tree is gone; returns ms from spawn to the last exit. */
export async function stop(sb, name) {
  const pids = treePids(sb, name);
  const goneAt = waitAllGone(pids);
  const r = expectOk(await run(sb, ["stop", "--name", name]), `jlremote stop --name ${name}`);
  return { ms: Math.max(r.tExit, await goneAt) - r.t0, pids };
}
