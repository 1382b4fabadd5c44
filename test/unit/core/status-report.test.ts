import assert from "node:assert/strict";
import { test } from "node:test";
import { buildStatus, statusExitCode } from "../../../src/core/status-report.js";
import type { StateRecord } from "../../../src/core/types.js";
import { testOptions } from "../../helpers/options.js";

const now = Date.parse("2026-12-01T12:00:00Z");
const here = { host: "h1", version: "1.0.0", now };
const id = { pid: 10, startTime: 5, host: "h1", bootId: "b" };
const record: StateRecord = {
  schema: 1,
  name: "default",
  state: "running",
  host: "h1",
  supervisor: id,
  jupyter: { ...id, pid: 11 },
  port: 8888,
  socket: null,
  instanceId: "0123456789abcdef",
  detachedProcesses: 0,
  token: "tok",
  app: "notebook",
  options: testOptions("default", "notebook"),

  startedAt: "t",
  restarts: 2,
  lastExit: null,
  reason: null,
  logFile: "/l",
  jupyterLogFile: "/j.log",
  version: "1.0.0",
  updatedAt: "2026-12-01T11:59:00Z",
  heartbeatAt: "2026-12-01T11:59:00Z",
};

test("a running instance with live processes reports running, the URL with token, exit 0", () => {
  const r = buildStatus("default", record, { supervisorAlive: true, jupyterAlive: true }, here);
  assert.equal(r.state, "running");
  assert.equal(r.url, "http://127.0.0.1:8888/tree?token=tok");
  assert.equal(r.restarts, 2);
  assert.equal(statusExitCode(r), 0);
});

test("a recorded running state with a dead supervisor and Jupyter is failed, exit 3", () => {
  const r = buildStatus("default", record, { supervisorAlive: false, jupyterAlive: false }, here);
  assert.equal(r.state, "failed");
  assert.equal(r.url, null);
  assert.equal(r.token, null);
  assert.match(r.reason ?? "", /supervisor is gone/);
  assert.equal(statusExitCode(r), 3);
});

test("never started is stopped, exit 3", () => {
  const r = buildStatus("x", null, { supervisorAlive: false, jupyterAlive: false }, here);
  assert.equal(r.state, "stopped");
  assert.equal(statusExitCode(r), 3);
});

test("a live state written on another host (recent heartbeat) is reported as seen there, exit 4", () => {
  const r = buildStatus("default", { ...record, host: "h2" }, { supervisorAlive: false, jupyterAlive: false }, here);
  assert.equal(r.state, "running");
  assert.equal(r.elsewhere, true);
  assert.equal(r.host, "h2");
  assert.equal(statusExitCode(r), 4);
});

test("managedBy is jlremote by default and systemd when the caller says the instance is a service", () => {
  assert.equal(
    buildStatus("default", record, { supervisorAlive: true, jupyterAlive: true }, here).managedBy,
    "jlremote",
  );
  assert.equal(
    buildStatus("default", record, { supervisorAlive: true, jupyterAlive: true }, { ...here, managedBy: "systemd" })
      .managedBy,
    "systemd",
  );
  assert.equal(
    buildStatus("x", null, { supervisorAlive: false, jupyterAlive: false }, { ...here, managedBy: "systemd" })
      .managedBy,
    "systemd",
  );
});

test("baseUrl goes into the URL and the report; listenerVerifiedAt is reported only while the instance lives", () => {
  const cases: [
    Partial<StateRecord>,
    { supervisorAlive: boolean; jupyterAlive: boolean },
    string | null,
    string,
    string | null,
  ][] = [
    [{}, { supervisorAlive: true, jupyterAlive: true }, "http://127.0.0.1:8888/tree?token=tok", "/", null],
    [
      { baseUrl: "/jl/", listenerVerifiedAt: "T1" },
      { supervisorAlive: true, jupyterAlive: true },
      "http://127.0.0.1:8888/jl/tree?token=tok",
      "/jl/",
      "T1",
    ],
    [
      { baseUrl: "/jl/", listenerVerifiedAt: "T1", socket: "/s/j.sock", port: null },
      { supervisorAlive: true, jupyterAlive: true },
      "http+unix://%2Fs%2Fj.sock/jl/tree?token=tok",
      "/jl/",
      "T1",
    ],
    [{ listenerVerifiedAt: "T1" }, { supervisorAlive: false, jupyterAlive: false }, null, "/", null],
    [
      { state: "restarting", listenerVerifiedAt: null },
      { supervisorAlive: true, jupyterAlive: false },
      "http://127.0.0.1:8888/tree?token=tok",
      "/",
      null,
    ],
  ];
  for (const [change, live, url, baseUrl, verified] of cases) {
    const r = buildStatus("default", { ...record, ...change }, live, here);
    assert.equal(r.url, url, JSON.stringify(change));
    assert.equal(r.baseUrl, baseUrl);
    assert.equal(r.listenerVerifiedAt, verified, JSON.stringify(change));
  }
});

test("a record of another host blocks the name only while live: stopped, failed or without a recent heartbeat it does not", () => {
  const cases: [Partial<StateRecord>, string, RegExp][] = [
    [{ state: "stopped" }, "stopped", /last run on host h2 \(stopped\)/],
    [{ state: "failed" }, "failed", /last run on host h2 \(failed\)/],
    [{ state: "running", heartbeatAt: "2026-12-01T11:50:00Z" }, "failed", /no heartbeat since 2026-12-01T11:50:00Z/],
    [
      { state: "starting", heartbeatAt: null, updatedAt: "2026-11-30T12:00:00Z" },
      "failed",
      /no heartbeat since 2026-11-30/,
    ],
  ];
  for (const [change, state, reason] of cases) {
    const r = buildStatus(
      "default",
      { ...record, host: "h2", ...change },
      { supervisorAlive: false, jupyterAlive: false },
      here,
    );
    assert.equal(r.elsewhere, false, JSON.stringify(change));
    assert.equal(r.state, state);
    assert.equal(r.host, "h2");
    assert.match(r.reason ?? "", reason);
    assert.match(r.reason ?? "", /jlremote start/);
    assert.equal(statusExitCode(r), 3);
    assert.equal(r.token, null);
  }
});

test("detachedProcesses reports the count recorded at the last cleanup", () => {
  assert.equal(
    buildStatus("default", { ...record, detachedProcesses: 2 }, { supervisorAlive: true, jupyterAlive: true }, here)
      .detachedProcesses,
    2,
  );
  assert.equal(buildStatus("x", null, { supervisorAlive: false, jupyterAlive: false }, here).detachedProcesses, 0);
});
