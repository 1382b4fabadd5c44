import assert from "node:assert/strict";
import { test } from "node:test";
import { ExitCode, JlremoteError } from "../../../src/core/errors.js";
import { parsePort, runArgv, validateStartOptions } from "../../../src/core/instance-options.js";

const raw = { name: "default", app: "auto", jupyter: "jupyter", maxRestarts: "5", timeout: "60", stopTimeout: "10", extraArgs: [] };

for (const bad of ["0", "70000", "abc", "-1", "80.5", ""]) {
  test(`--port ${JSON.stringify(bad)} is a usage error`, () => {
    assert.throws(() => parsePort(bad), (e: unknown) => e instanceof JlremoteError && e.exitCode === ExitCode.usage && e.message.includes("--port"));
  });
}

test("a valid port is explicit", () => {
  const v = validateStartOptions({ ...raw, port: "9000" });
  assert.equal(v.port, 9000);
  assert.equal(v.portExplicit, true);
});

test("a bad --app or --timeout is a usage error", () => {
  assert.throws(() => validateStartOptions({ ...raw, app: "jupyterlab" }), /--app jupyterlab/);
  assert.throws(() => validateStartOptions({ ...raw, timeout: "soon" }), /--timeout soon/);
});

test("runArgv reproduces the options for the detached supervisor", () => {
  const argv = runArgv({ name: "x", app: "server", jupyter: "/j", command: ["/j", "server"], env: {}, prologue: null, port: 9000, portExplicit: true, rootDir: "/r", extraArgs: ["--debug"], maxRestarts: 3, readyTimeoutMs: 5000, stopTimeoutMs: 2000, sock: false, healthIntervalMs: 30_000, healthRetries: 3 }, true);
  assert.deepEqual(argv, ["run", "--name", "x", "--app", "server", "--jupyter", "/j", "--root-dir", "/r", "--max-restarts", "3", "--timeout", "5", "--stop-timeout", "2", "--health-interval", "30", "--health-retries", "3", "--port", "9000", "--daemon-child", "--", "--debug"]);
});
