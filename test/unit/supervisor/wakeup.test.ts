import assert from "node:assert/strict";
import { test } from "node:test";
import { Wakeup } from "../../../src/supervisor/wakeup.js";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

test("sleep ends at once on a stop request and leaves no timer that would delay the supervisor's exit", async () => {
  const wake = new Wakeup();
  const before = timers();
  const pending = wake.sleep(60_000);
  wake.fire("stop");
  await pending;
  assert.equal(wake.pending, "stop");
  assert.equal(timers(), before);
  const t0 = performance.now();
  await wake.sleep(60_000);
  assert.ok(performance.now() - t0 < 1000, "a pending stop must not wait");
});

test("sleep ends after its time, or when poked; race gives the promise's value, or null when poked", async () => {
  const wake = new Wakeup();
  const before = timers();
  await wake.sleep(10);
  const s = wake.sleep(60_000);
  wake.poke();
  await s;
  assert.equal(wake.pending, null);
  assert.equal(await wake.race(Promise.resolve("answer")), "answer");
  const r = wake.race(new Promise<string>((res) => setTimeout(() => res("late"), 50)));
  wake.poke();
  assert.equal(await r, null);
  assert.equal(timers(), before + 1, "only the racing promise's own timer is left");
});

test("a restart request is cleared once handled, a stop request stays", () => {
  const wake = new Wakeup();
  wake.fire("restart");
  wake.clearRestart();
  assert.equal(wake.pending, null);
  wake.fire("stop");
  wake.fire("restart");
  wake.clearRestart();
  assert.equal(wake.pending, "stop");
});
