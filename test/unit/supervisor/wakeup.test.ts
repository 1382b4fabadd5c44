import assert from "node:assert/strict";
import { test } from "node:test";
import { Settled, Wakeup } from "../../../src/supervisor/wakeup.js";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

test("raceFor returns a stop request at once and leaves no timer that would delay the supervisor's exit", async () => {
  const wake = new Wakeup();
  const before = timers();
  const pending = wake.raceFor(new Promise<never>(() => {}), 60_000);
  wake.fire("stop");
  assert.equal(await pending, "stop");
  assert.equal(timers(), before);
});

test("raceFor resolves null after its timeout, and with the promise's value when that comes first", async () => {
  const wake = new Wakeup();
  const before = timers();
  assert.equal(await wake.raceFor(new Promise<never>(() => {}), 10), null);
  assert.equal(await wake.raceFor(Promise.resolve("exit"), 60_000), "exit");
  assert.equal(timers(), before);
});

test("raceFor on a Settled keeps no waiter per turn on a promise that never settles, and still sees it settle", async () => {
  const wake = new Wakeup();
  let settle: (v: string) => void = () => {};
  const exit = new Settled(new Promise<string>((r) => { settle = r; }));
  const waiters = () => (exit as unknown as { waiters: Set<unknown> }).waiters.size;
  for (let i = 0; i < 1000; i += 1) assert.equal(await wake.raceFor(exit, 0), null);
  assert.equal(waiters(), 0, "every timed-out wait dropped its reaction");
  const pending = wake.raceFor(exit, 60_000);
  settle("exit");
  assert.equal(await pending, "exit");
  assert.equal(await wake.raceFor(exit, 60_000), "exit", "an already settled value comes back at once");
  assert.equal(waiters(), 0);
});
