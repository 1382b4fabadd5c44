// End-to-end: what a detached start's supervisor has loaded of node's built-ins when it spawns Jupyter. Each of these
// cost the way to Jupyter's spawn a few ms once (docs/benchmark.md, What keeps the figures low); a change that brings one
// back would otherwise show only in the benchmark.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, freePort, runCli, sandbox } from "../helpers/cli.js";
import { flavourArgs, flavours } from "../helpers/flavours.js";

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
    const hook = join(sb.dir, "modules-at-spawn.cjs");
    const out = join(sb.dir, "modules");
    writeFileSync(
      hook,
      [
        'const fs = require("fs");',
        'if (process.argv.includes("run")) {',
        "  const write = fs.writeSync;",
        "  let done = false;",
        "  fs.writeSync = function (fd, data) {",
        '    if (!done && data != null && String(data).includes(\'"msg":"jupyter spawned"\')) {',
        "      done = true;",
        `      fs.writeFileSync(${JSON.stringify(out)} + "." + process.pid, process.moduleLoadList.join("\\n"));`,
        "    }",
        "    return write.apply(this, arguments);",
        "  };",
        "}",
      ].join("\n"),
    );
    const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort()), "--json"], {
      ...sb.env,
      NODE_OPTIONS: `--require ${hook}`,
    });
    assert.equal(r.code, 0, r.stderr);
    const lists = readdirSync(sb.dir).filter((f) => f.startsWith("modules."));
    assert.equal(lists.length, 1, "one supervisor wrote its list at Jupyter's spawn");
    const loaded = readFileSync(join(sb.dir, lists[0] as string), "utf8").split("\n");
    // The list is node's own: the hook's fs is there, and so is child_process (the keeper's spawn).
    assert.ok(loaded.includes("NativeModule child_process"), loaded.join(" "));
    for (const [name, instead] of notBeforeSpawn)
      assert.ok(
        !loaded.includes(`NativeModule ${name}`),
        `the supervisor loaded ${name} before Jupyter's spawn (${instead})`,
      );
    assert.equal((await runCli(["stop"], sb.env)).code, 0);
  });
