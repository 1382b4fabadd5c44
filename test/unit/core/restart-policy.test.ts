import assert from "node:assert/strict";
import { test } from "node:test";
import {
  backoffDelay,
  decideRestart,
  defaultRestartPolicy as policy,
  type RunOutcome,
} from "../../../src/core/restart-policy.js";

const base: RunOutcome = { becameReady: true, readyForMs: 60_000, everReady: true, failuresBefore: 0, stopping: false };

const table: { title: string; outcome: Partial<RunOutcome>; expect: ReturnType<typeof decideRestart> }[] = [
  { title: "a stop request never restarts", outcome: { stopping: true }, expect: { kind: "stop" } },
  {
    title: "the initial start failing gives up at once",
    outcome: { everReady: false, becameReady: false, readyForMs: 0 },
    expect: { kind: "give-up", reason: "Jupyter exited before it was ready", failures: 1 },
  },
  {
    title: "a crash after a long healthy run restarts at once with the count reset",
    outcome: { failuresBefore: 3 },
    expect: { kind: "restart", delayMs: 0, failures: 0 },
  },
  {
    title: "the first quick crash restarts at once",
    outcome: { readyForMs: 500 },
    expect: { kind: "restart", delayMs: 0, failures: 1 },
  },
  {
    title: "the second failure in a row waits the base delay",
    outcome: { becameReady: false, readyForMs: 0, failuresBefore: 1 },
    expect: { kind: "restart", delayMs: 1000, failures: 2 },
  },
  {
    title: "the fourth failure in a row waits 4 s",
    outcome: { becameReady: false, readyForMs: 0, failuresBefore: 3 },
    expect: { kind: "restart", delayMs: 4000, failures: 4 },
  },
  {
    title: "the failure past max-restarts gives up",
    outcome: { becameReady: false, readyForMs: 0, failuresBefore: 5 },
    expect: {
      kind: "give-up",
      reason: "Jupyter kept failing: 5 restarts in a row did not stay up (--max-restarts 5)",
      failures: 6,
    },
  },
];

for (const row of table) {
  test(row.title, () => {
    assert.deepEqual(decideRestart({ ...base, ...row.outcome }, policy), row.expect);
  });
}

test("backoff is capped at maxDelayMs", () => {
  assert.equal(backoffDelay(30, policy), policy.maxDelayMs);
  assert.equal(backoffDelay(1, policy), 0);
  assert.equal(backoffDelay(3, policy), 2000);
});

test("max-restarts 0 gives up on the first crash", () => {
  assert.equal(decideRestart({ ...base, readyForMs: 1 }, { ...policy, maxRestarts: 0 }).kind, "give-up");
});
