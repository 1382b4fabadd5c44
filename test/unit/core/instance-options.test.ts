import assert from "node:assert/strict";
import { test } from "node:test";
import { ExitCode, JlremoteError } from "../../../src/core/errors.js";
import { parsePort, runArgv, validateStartOptions } from "../../../src/core/instance-options.js";

/** The registered scheduler names (src/backends/registry.ts), as core's validators are given them. */
const known = ["slurm", "sge"];

const raw = {
  name: "default",
  app: "auto",
  jupyter: "jupyter",
  maxRestarts: "5",
  timeout: "60",
  stopTimeout: "10",
  extraArgs: [],
};

for (const bad of ["0", "70000", "abc", "-1", "80.5", ""]) {
  test(`--port ${JSON.stringify(bad)} is a usage error`, () => {
    assert.throws(
      () => parsePort(bad),
      (e: unknown) => e instanceof JlremoteError && e.exitCode === ExitCode.usage && e.message.includes("--port"),
    );
  });
}

test("a valid port is explicit", () => {
  const v = validateStartOptions({ ...raw, port: "9000" }, known);
  assert.equal(v.port, 9000);
  assert.equal(v.portExplicit, true);
});

test("a bad --app or --timeout is a usage error", () => {
  assert.throws(() => validateStartOptions({ ...raw, app: "jupyterlab" }, known), /--app jupyterlab/);
  assert.throws(() => validateStartOptions({ ...raw, timeout: "soon" }, known), /--timeout soon/);
});

test("runArgv reproduces the options for the detached supervisor", () => {
  const argv = runArgv(
    {
      name: "x",
      app: "server",
      jupyter: "/j",
      command: ["/j", "server"],
      env: {},
      prologue: null,
      port: 9000,
      portExplicit: true,
      rootDir: "/r",
      extraArgs: ["--debug"],
      maxRestarts: 3,
      readyTimeoutMs: 5000,
      stopTimeoutMs: 2000,
      sock: false,
      healthIntervalMs: 30_000,
      healthRetries: 3,
    },
    true,
  );
  assert.deepEqual(argv, [
    "run",
    "--name",
    "x",
    "--app",
    "server",
    "--jupyter",
    "/j",
    "--root-dir",
    "/r",
    "--max-restarts",
    "3",
    "--timeout",
    "5",
    "--stop-timeout",
    "2",
    "--health-interval",
    "30",
    "--health-retries",
    "3",
    "--port",
    "9000",
    "--daemon-child",
    "--",
    "--debug",
  ]);
});

for (const [flag, key, value] of [
  ["--stop-timeout", "stopTimeout", "2147484"],
  ["--stop-timeout", "stopTimeout", "1e12"],
  ["--timeout", "timeout", "86401"],
  ["--health-interval", "healthInterval", "3000000"],
  ["--health-interval", "healthInterval", "0"],
  ["--health-retries", "healthRetries", "1e9"],
  ["--max-restarts", "maxRestarts", "1e300"],
  ["--log-max-size", "logMaxSize", "0"],
  ["--log-keep", "logKeep", "101"],
] as const) {
  test(`${flag} ${value} is out of bounds: a usage error naming the option (no timer overflow into an immediate SIGKILL)`, () => {
    assert.throws(
      () => validateStartOptions({ ...raw, [key]: value }, known),
      (e: unknown) => e instanceof JlremoteError && e.exitCode === ExitCode.usage && e.message.includes(flag),
    );
  });
}

test("every duration fits a timer: one day at most, in milliseconds below 2^31", () => {
  const v = validateStartOptions({ ...raw, stopTimeout: "86400", timeout: "86400", healthInterval: "86400" }, known);
  for (const ms of [v.stopTimeoutMs, v.readyTimeoutMs, v.healthIntervalMs]) assert.ok(ms < 2 ** 31, String(ms));
  assert.equal(validateStartOptions({ ...raw, healthInterval: "0.001" }, known).healthIntervalMs, 1);
});

test("the hung-Jupyter defaults tolerate a few minutes of a stalled filesystem before a restart kills kernels", () => {
  const v = validateStartOptions(raw, known);
  assert.ok(v.healthIntervalMs * v.healthRetries >= 180_000, `${v.healthIntervalMs} ms x ${v.healthRetries}`);
});

test("log rotation defaults to 10 MB x 3 and can be changed", () => {
  const d = validateStartOptions(raw, known);
  assert.equal(d.logMaxBytes, 10 * 1024 * 1024);
  assert.equal(d.logKeep, 3);
  const v = validateStartOptions({ ...raw, logMaxSize: "0.5", logKeep: "1" }, known);
  assert.equal(v.logMaxBytes, 512 * 1024);
  assert.deepEqual(
    runArgv(
      { ...v, app: "server", jupyter: "/j", command: ["/j", "server"], env: {}, prologue: null, rootDir: "/r" },
      false,
    ).slice(-4),
    ["--log-max-size", "0.5", "--log-keep", "1"],
  );
});
