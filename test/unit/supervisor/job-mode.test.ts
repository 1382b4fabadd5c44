import assert from "node:assert/strict";
import test from "node:test";
import pino from "pino";
import type { InJob } from "../../../src/backends/scheduler.js";
import { startJobMode } from "../../../src/supervisor/job-mode.js";
import type { StateWriter } from "../../../src/supervisor/state-writer.js";

const log = pino({ level: "silent" });

/** The writer's part job mode uses: the record and update. */
function fakeWriter(): StateWriter {
  const w = {
    record: { job: null } as Record<string, unknown>,
    update(change: Record<string, unknown>) {
      w.record = { ...w.record, ...change };
    },
  };
  return w as unknown as StateWriter;
}

const hooks: InJob = {
  jobId: () => "42",
  portBase: () => 8888,
  listenAddress: async () => "127.0.0.1",
  heartbeat: { everyMs: 60_000, staleMs: 180_000 },
  warningSignal: "SIGUSR1",
  warningText: "walltime warning (test)",
  endsAt: async () => null,
  stopReason: () => "terminated (test)",
};

test("a walltime warning is recorded, and one arriving after dispose does not kill the finishing supervisor", async () => {
  const state = fakeWriter();
  const mode = startJobMode(state, hooks, {}, log);
  process.kill(process.pid, "SIGUSR1");
  for (let i = 0; i < 200 && !state.record.job?.warningAt; i += 1) await new Promise((r) => setTimeout(r, 5));
  assert.match(state.record.job?.warningAt ?? "", /^\d{4}-\d\d-\d\dT/);
  mode.dispose();
  // Slurm sends --signal=B:USR1@N on its own clock, also during a stop: the default action would end the process
  // (this test file) with signal 10.
  process.kill(process.pid, "SIGUSR1");
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(process.listenerCount("SIGUSR1") >= 1);
  for (const l of process.listeners("SIGUSR1")) process.off("SIGUSR1", l);
});

test("the job's end time is asked for at lookUpEnd only (after the first spawn), and once", async () => {
  const state = fakeWriter();
  let asked = 0;
  const mode = startJobMode(
    state,
    {
      ...hooks,
      endsAt: async () => {
        asked += 1;
        return "2099-01-01T00:00:00.000Z";
      },
    },
    {},
    log,
  );
  try {
    await new Promise((r) => setImmediate(r));
    assert.equal(asked, 0, "asked before the first spawn");
    mode.lookUpEnd();
    mode.lookUpEnd();
    for (let i = 0; i < 200 && !state.record.job?.endsAt; i += 1) await new Promise((r) => setTimeout(r, 5));
    assert.equal(state.record.job?.endsAt, "2099-01-01T00:00:00.000Z");
    assert.equal(asked, 1);
  } finally {
    mode.dispose();
    for (const l of process.listeners("SIGUSR1")) process.off("SIGUSR1", l);
  }
});
