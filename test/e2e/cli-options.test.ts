// The built CLI reads an option the same way in each spelling (the option table: src/core/option-table.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { freePort, runCli, sandbox } from "../helpers/cli.js";
import { debian, flavourArgs } from "../helpers/flavours.js";

test("start --no-wait --json=true and start --no-wait --json refuse a bad port with the same line and exit 2", async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const a = await runCli(["start", "--no-wait", "--json=true", "--port", "0"], sb.env);
  const b = await runCli(["start", "--no-wait", "--json", "--port", "0"], sb.env);
  assert.equal(a.code, 2, a.stderr);
  assert.deepEqual(a, b);
  assert.match(a.stderr, /^jlremote: --port 0: expected a port number from 1 to 65535\n$/);
});

test("start --no-wait --json=true starts Jupyter and prints its JSON; start --no-wait --json then prints the same", {
  timeout: 180_000,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = String(await freePort());
  const a = await runCli(["start", ...flavourArgs(debian), "--port", port, "--no-wait", "--json=true"], sb.env, {
    timeoutMs: 120_000,
  });
  assert.equal(a.code, 0, a.stderr);
  const first = JSON.parse(a.stdout) as { state: string; url: string };
  assert.equal(first.state, "running");
  const b = await runCli(["start", ...flavourArgs(debian), "--port", port, "--no-wait", "--json"], sb.env, {
    timeoutMs: 120_000,
  });
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(JSON.parse(b.stdout), first, "the running instance, as the first start printed it");
  const stop = await runCli(["stop"], sb.env, { timeoutMs: 60_000 });
  assert.equal(stop.code, 0, stop.stderr);
});
