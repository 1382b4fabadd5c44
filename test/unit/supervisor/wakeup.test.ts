import assert from "node:assert/strict";
import { test } from "node:test";
import { Wakeup } from "../../../src/supervisor/wakeup.js";

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
