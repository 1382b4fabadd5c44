import assert from "node:assert/strict";
import test from "node:test";
import { askEveryMs, firstAskAt, lookAfterMs, runningLookMs } from "../../../../src/backends/batch-job/wait-pace.js";

test("a job just submitted is asked about after a second; a job found queued or running at once", () => {
  assert.equal(firstAskAt(true, 5_000), 5_000 + askEveryMs);
  assert.equal(firstAskAt(false, 5_000), 5_000);
});

test("the wait for a change lasts until the next scheduler query while queued, a short look once the job runs", () => {
  const table: [state: string, askAt: number, now: number, ms: number][] = [
    ["pending", 2_000, 1_250, 750],
    ["pending", 2_000, 2_000, 0],
    ["pending", 2_000, 2_600, 0],
    ["starting", 2_000, 1_250, runningLookMs],
    ["restarting", 9_000, 1_250, runningLookMs],
    ["running", 0, 1_250, runningLookMs],
  ];
  for (const [state, askAt, now, ms] of table)
    assert.equal(lookAfterMs(state, askAt, now), ms, `${state} ${askAt} ${now}`);
});
