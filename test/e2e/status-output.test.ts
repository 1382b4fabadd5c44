// End-to-end: `status` exits at once after its output (no node teardown), and never before its line is written.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";
import { CLI, E2E_TIMEOUT_MS, sandbox } from "../helpers/cli.js";

const fullPipe = resolve(import.meta.dirname, "../fixtures/full-pipe.py");

test("status --json into a full non-blocking pipe waits until its line is written, then exits 3", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = spawnSync("python3", [fullPipe, process.execPath, CLI, "status", "--json", "--name", "piped"], {
    env: sb.env,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { code: number; exitedWhileFull: boolean; after: string };
  assert.equal(got.exitedWhileFull, false, "status exited before the pipe took its line");
  assert.equal(got.code, 3);
  const line = JSON.parse(got.after.trim()) as { name: string; state: string };
  assert.equal(line.name, "piped");
  assert.equal(line.state, "stopped");
});
