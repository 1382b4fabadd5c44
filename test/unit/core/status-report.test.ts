import assert from "node:assert/strict";
import { test } from "node:test";
import { buildStatus, statusExitCode } from "../../../src/core/status-report.js";
import type { StateRecord } from "../../../src/core/types.js";

const here = { host: "h1", version: "1.0.0" };
const id = { pid: 10, startTime: 5, host: "h1", bootId: "b" };
const record: StateRecord = {
  schema: 1, name: "default", state: "running", host: "h1", supervisor: id, jupyter: { ...id, pid: 11 }, port: 8888, socket: null, children: [],
  token: "tok", app: "notebook",
  options: { name: "default", app: "notebook", jupyter: "/j", command: ["/j", "notebook"], env: {}, prologue: null, port: null, portExplicit: false, rootDir: "/", extraArgs: [], maxRestarts: 5, readyTimeoutMs: 1, stopTimeoutMs: 1, sock: false, healthIntervalMs: 1, healthRetries: 1 },
  startedAt: "t", restarts: 2, lastExit: null, reason: null, logFile: "/l", jupyterLogFile: "/j.log", version: "1.0.0", updatedAt: "t",
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

test("a state written on another host is reported as seen there, exit 4", () => {
  const r = buildStatus("default", { ...record, host: "h2" }, { supervisorAlive: false, jupyterAlive: false }, here);
  assert.equal(r.state, "running");
  assert.equal(r.elsewhere, true);
  assert.equal(r.host, "h2");
  assert.equal(statusExitCode(r), 4);
});

test("managedBy is jlremote by default and systemd when the caller says the instance is a service", () => {
  assert.equal(buildStatus("default", record, { supervisorAlive: true, jupyterAlive: true }, here).managedBy, "jlremote");
  assert.equal(buildStatus("default", record, { supervisorAlive: true, jupyterAlive: true }, { ...here, managedBy: "systemd" }).managedBy, "systemd");
  assert.equal(buildStatus("x", null, { supervisorAlive: false, jupyterAlive: false }, { ...here, managedBy: "systemd" }).managedBy, "systemd");
});
