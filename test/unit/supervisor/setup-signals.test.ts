import assert from "node:assert/strict";
import test from "node:test";
import pino from "pino";
import { listen } from "../../../src/supervisor/setup.js";

const log = pino({ level: "silent" });
const poll = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 5));
};

test("SIGUSR2 restarts Jupyter when the job has no ending signal", async () => {
  const s = listen(log);
  try {
    process.kill(process.pid, "SIGUSR2");
    await poll(() => s.wake.pending !== null);
    assert.equal(s.wake.pending, "restart");
    assert.equal(s.terminated(), false);
  } finally {
    s.dispose();
  }
});

test("a job's ending signal stops like SIGTERM, and a repeat after the handlers are gone is ignored", async () => {
  const s = listen(log, "SIGUSR2");
  process.kill(process.pid, "SIGUSR2");
  await poll(() => s.wake.pending !== null);
  assert.equal(s.wake.pending, "stop");
  assert.equal(s.terminated(), true);
  s.dispose();
  // Grid Engine repeats -notify's signal: the default action (terminate) must not end the finished supervisor.
  process.kill(process.pid, "SIGUSR2");
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(process.listenerCount("SIGUSR2") >= 1);
  for (const l of process.listeners("SIGUSR2")) process.off("SIGUSR2", l);
});
