// Integration tests for src/io/run-command.ts with real processes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCommand } from "../../../src/io/run-command.js";

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* gone */
  }
}

test("a timeout answers at once even when a process in another session keeps the output pipes open", async () => {
  // The setsid'd sleep escapes the process-group kill and holds stdout/stderr: 'close' would never come.
  let escaped = 0;
  const started = Date.now();
  try {
    const r = await runCommand("sh", ["-c", "setsid sleep 30 & echo $!; sleep 30"], {
      env: { PATH: process.env.PATH },
      timeoutMs: 500,
    });
    escaped = Number(r.stdout.trim());
    assert.equal(r.timedOut, true);
    assert.equal(r.code, null);
    assert.ok(escaped > 0, `pid of the escaped sleep in ${JSON.stringify(r.stdout)}`);
    assert.ok(Date.now() - started < 10_000, "answered long after the timeout");
  } finally {
    if (escaped > 0) killPid(escaped);
  }
});

test("a command that finishes gives its exit code and output", async () => {
  const r = await runCommand("sh", ["-c", "echo out; echo err >&2; exit 3"], {
    env: { PATH: process.env.PATH },
    timeoutMs: 10_000,
  });
  assert.deepEqual(r, { code: 3, stdout: "out\n", stderr: "err\n", timedOut: false, spawnError: null });
});
