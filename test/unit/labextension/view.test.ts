import assert from "node:assert/strict";
import { test } from "node:test";
import { clock, crashText, isBatchJob, runsAs, statusText, type InstanceView } from "../../../labextension/src/view.js";

const detached: InstanceView = {
  schema: 1,
  name: "default",
  backend: "detached",
  state: "running",
  startedAt: null,
  upSeconds: 3 * 3600 + 5,
  serverPid: 1,
  restarts: 0,
  lastRestart: null,
  adoption: null,
  job: null,
  idle: null,
};

test("countdowns read as h:mm:ss or m:ss and never go negative", () => {
  for (const [s, text] of [
    [6727, "1:52:07"],
    [151, "2:31"],
    [59, "0:59"],
    [-3, "0:00"],
  ] as const)
    assert.equal(clock(s), text);
});

test("the status bar names the job, its node and the time left, counting down between polls", () => {
  const v = {
    ...detached,
    backend: "slurm" as const,
    job: { id: "42", node: "node1", endsAt: null, warningAt: null, secondsLeft: 112 },
  };
  assert.equal(statusText(v, 0), "jlremote: job 42 on node1 · 1:52 left");
  assert.equal(statusText(v, 2500), "jlremote: job 42 on node1 · 1:50 left");
});

test("the status bar of an instance without a job names it and its uptime", () => {
  assert.equal(statusText(detached, 0), "jlremote: default · up 3 h");
});

test("the crash notice names lost kernels and why", () => {
  const v: InstanceView = {
    ...detached,
    restarts: 1,
    lastRestart: { at: "2026-01-01T10:00:00.000Z", reason: "exited", signal: "SIGKILL", code: null },
    adoption: {
      supported: true,
      reason: null,
      at: "2026-01-01T10:00:03.000Z",
      adopted: [],
      failed: [{ id: "0123456789", pid: 5, reason: "process 5 is gone" }],
    },
  };
  assert.match(
    crashText(v),
    /after a crash \(\d\d:\d\d:\d\d\): no kernel to re-adopt; lost: 01234567 \(process 5 is gone\)$/,
  );
});

test("the panel says what really runs the instance: each scheduler's batch job, a systemd service, detached", () => {
  for (const [backend, text, job] of [
    ["slurm", "Slurm batch job", true],
    ["sge", "Grid Engine batch job", true],
    ["pbs", "pbs batch job", true],
    ["systemd", "systemd service", false],
    ["detached", "detached", false],
  ] as const) {
    assert.equal(runsAs({ backend }), text, backend);
    assert.equal(isBatchJob({ backend }), job, backend);
  }
});
