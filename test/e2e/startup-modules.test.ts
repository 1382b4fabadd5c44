// End-to-end: what a detached start's supervisor has loaded of node's built-ins when it spawns Jupyter. Each of these
// cost the way to Jupyter's spawn a few ms once (docs/benchmark.md, What keeps the figures low); a change that brings one
// back would otherwise show only in the benchmark.
import assert from "node:assert/strict";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, freePort, runCli, sandbox } from "../helpers/cli.js";
import { flavourArgs, flavours } from "../helpers/flavours.js";
import { moduleListHook } from "../helpers/module-list.js";

/** Built-ins the supervisor must not have loaded by Jupyter's spawn, and what replaced each. */
const notBeforeSpawn: [string, string][] = [
  ["perf_hooks", "timeouts use process.hrtime (src/io/clock.ts)"],
  ["assert", "signal-exit and sonic-boom get a two-line check in the bundle"],
  ["readline", "the keeper's lines are split by hand (src/io/keeper.ts)"],
  ["http", "probes are raw GETs on a socket (src/io/raw-http.ts)"],
  ["https", "no TLS client"],
  ["crypto", "secrets come from /dev/urandom"],
  ["worker_threads", "pino without transports"],
];

for (const f of flavours)
  test(`${f.id}: a start's supervisor has loaded none of perf_hooks, assert, readline, http(s), crypto, worker_threads by Jupyter's spawn`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    // Preloaded into every jlremote process of this start (NODE_OPTIONS reaches the supervisor): the supervisor writes its
    // module list when it logs "jupyter spawned".
    const { preload, lists } = moduleListHook(sb.dir, "jupyter spawned");
    const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort()), "--json"], {
      ...sb.env,
      NODE_OPTIONS: `--require ${preload}`,
    });
    assert.equal(r.code, 0, r.stderr);
    const written = lists();
    assert.equal(written.length, 1, "one supervisor wrote its list at Jupyter's spawn");
    const loaded = written[0] as string[];
    // The list is node's own: the hook's fs is there, and so is child_process (the keeper's spawn).
    assert.ok(loaded.includes("NativeModule child_process"), loaded.join(" "));
    for (const [name, instead] of notBeforeSpawn)
      assert.ok(
        !loaded.includes(`NativeModule ${name}`),
        `the supervisor loaded ${name} before Jupyter's spawn (${instead})`,
      );
    assert.equal((await runCli(["stop"], sb.env)).code, 0);
  });
