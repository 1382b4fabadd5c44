// End-to-end: `jlremote stop` signals first and waits on the supervisor's exit, loading no cleanup code when it exits;
// it leaves nothing behind when it races a crash restart or finds the supervisor gone; and `status` (the fast path)
// loads none of what stop and start need.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  CLI,
  E2E_TIMEOUT_MS,
  alive,
  freePort,
  processesWithEnv,
  runCli,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import { instanceId, startKernel, status } from "../helpers/jupyter.js";
import { moduleListHook } from "../helpers/module-list.js";
import { EXIT_SOCKET, watchExit } from "../../src/io/exit-socket.js";

async function started(t: { after: (fn: () => unknown) => void }) {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  const rec = JSON.parse(readFileSync(join(sb.stateDir(), "state.json"), "utf8"));
  const keepers: number[] = (rec.keepers ?? []).map((k: { pid: number }) => k.pid);
  return { sb, s, keepers, kernel: await startKernel(s.port as number, s.token as string, s.jupyterPid as number) };
}

/** A preload that lists, at exit, the builtins the process loaded; `loaded()` reads that one process's list. */
function moduleList(sb: Sandbox): { preload: string; loaded: () => string[] } {
  const { preload, lists } = moduleListHook(sb.dir, "exit");
  return {
    preload,
    loaded: () => {
      const all = lists();
      assert.equal(all.length, 1, "one process wrote its module list");
      return all[0] as string[];
    },
  };
}

/** Every live process carrying the instance's marker, plus any of `pids` still alive. */
function leftovers(sb: Sandbox, pids: number[]): number[] {
  return [...new Set([...processesWithEnv(`JLREMOTE_INSTANCE=${instanceId(sb)}`), ...pids.filter(alive)])];
}

test("stop returns once the supervisor, the keeper, Jupyter and its kernel are all gone, and records stopped", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const { sb, s, keepers, kernel } = await started(t);
  assert.ok(keepers.length > 0, "a keeper is recorded");
  // The running supervisor holds its exit socket (listening since Jupyter's spawn), which stop waits on.
  const exit = await watchExit(join(sb.stateDir(), EXIT_SOCKET));
  assert.ok(exit !== null, "the supervisor holds no exit socket");
  const { preload, loaded } = moduleList(sb);
  const stop = await runCli(["stop"], { ...sb.env, NODE_OPTIONS: `--require ${preload}` });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stderr, "jlremote: stopped 'default'\n");
  // Checked right as the command returned: it waited for the exit, not just for the signal.
  assert.deepEqual(leftovers(sb, [s.supervisorPid as number, s.jupyterPid as number, kernel, ...keepers]), []);
  assert.equal(await exit.gone(5000), true, "its exit socket closed with it");
  // The supervisor cleaned up itself: stop compiled none of its own cleanup (a packed tree, unpacked with node:zlib;
  // node:vm is the bundle's boot's, src/io/bundle-sections.ts).
  assert.ok(!loaded().includes("NativeModule zlib"), "stop loaded its cleanup code");
  const { state, code } = await status(sb);
  assert.deepEqual({ state, code }, { state: "stopped", code: 3 });
});

test("stop right after Jupyter was SIGKILLed (racing the crash restart) ends everything, the new Jupyter included", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const { sb, s, keepers, kernel } = await started(t);
  process.kill(s.jupyterPid as number, "SIGKILL");
  const stop = await runCli(["stop"], sb.env);
  assert.equal(stop.code, 0, stop.stderr);
  assert.deepEqual(leftovers(sb, [s.supervisorPid as number, kernel, ...keepers]), []);
  assert.equal(processesWithEnv(`HOME=${sb.dir}`, /jupyter[- ]server/).length, 0, "no Jupyter left");
  assert.equal((await status(sb)).state, "stopped");
  // The next start works as usual.
  const again = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
});

test("stop with the supervisor already gone (SIGKILL) stops Jupyter, its kernel and the keeper itself", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const { sb, s, keepers, kernel } = await started(t);
  process.kill(s.supervisorPid as number, "SIGKILL");
  await waitFor("supervisor gone", () => !alive(s.supervisorPid as number));
  const stop = await runCli(["stop"], sb.env);
  assert.equal(stop.code, 0, stop.stderr);
  await waitFor(
    "the tree gone",
    () => leftovers(sb, [s.jupyterPid as number, kernel, ...keepers]).length === 0,
    10_000,
  );
  assert.equal((await status(sb)).state, "stopped");
});

test("status --json (the fast path) loads no child_process, net, stream, worker or os module and none of stop's or start's code", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { preload, loaded } = moduleList(sb);
  const r = spawnSync(process.execPath, ["-r", preload, CLI, "status", "--json"], { env: sb.env, encoding: "utf8" });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(JSON.parse(r.stdout).state, "stopped");
  // No packed tree either: each is unpacked with node:zlib (node:vm is loaded by the bundle's boot for its main code).
  // Nor node:os: the host name comes from /proc (io/process-identity.ts), the home from HOME.
  for (const m of ["child_process", "net", "stream", "worker_threads", "dns", "zlib", "v8", "os"])
    assert.ok(!loaded().includes(`NativeModule ${m}`), `status loaded ${m}`);
});
