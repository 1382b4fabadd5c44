import assert from "node:assert/strict";
import { test } from "node:test";
import {
  afterRun,
  backoffDelay,
  decideRestart,
  giveUpReason,
  defaultRestartPolicy as policy,
  restartDone,
  type RestartProgress,
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

test("after a run: stop and restart as asked, an idle shutdown is an end, a refusal and a crash are told apart", () => {
  const f = { idleTimeoutMin: undefined, everReady: true, exitCode: 0 };
  const table: [
    Parameters<typeof afterRun>[0],
    Partial<Parameters<typeof afterRun>[1]>,
    ReturnType<typeof afterRun>,
  ][] = [
    ["stop", {}, { kind: "stop" }],
    ["restart", {}, { kind: "reload" }],
    ["exit", { idleTimeoutMin: 30 }, { kind: "idle", reason: "idle: Jupyter shut down after 30 min without activity" }],
    ["exit", { idleTimeoutMin: 30, exitCode: 1 }, { kind: "crash" }],
    ["exit", { idleTimeoutMin: 30, everReady: false }, { kind: "crash" }],
    ["exit", {}, { kind: "crash" }],
    ["open", {}, { kind: "refused", why: "open" }],
    ["forbidden", {}, { kind: "refused", why: "forbidden" }],
    ["hung", {}, { kind: "crash" }],
    ["timeout", {}, { kind: "crash" }],
  ];
  for (const [why, over, want] of table)
    assert.deepEqual(afterRun(why, { ...f, ...over }), want, `${why} ${JSON.stringify(over)}`);
});

test("a crash not restarted: a timed-out start says so, else the policy's reason", () => {
  const gaveUp = { kind: "give-up", reason: "kept failing", failures: 6 } as const;
  assert.equal(giveUpReason("timeout", gaveUp, 60_000), "Jupyter was not ready within 60 s");
  assert.equal(giveUpReason("exit", gaveUp, 60_000), "kept failing");
  assert.equal(giveUpReason("exit", { kind: "stop" }, 60_000), "stopped");
});

const asked: RestartProgress = { state: "running", supervisorPid: 10, jupyterPid: 100, reloads: 2 };

const restartTable: {
  title: string;
  before?: Partial<RestartProgress>;
  now: Partial<RestartProgress>;
  done: boolean;
}[] = [
  { title: "the reload's new Jupyter is running", now: { jupyterPid: 200, reloads: 3 }, done: true },
  // Jupyter crashed as the restart was asked: the crash restart's Jupyter has the old token; the reload comes next.
  {
    title: "a crash restart's Jupyter, before the reload, is not it",
    now: { jupyterPid: 200, reloads: 2 },
    done: false,
  },
  {
    title: "the reload taken, its Jupyter still starting",
    now: { state: "restarting", jupyterPid: 300, reloads: 3 },
    done: false,
  },
  {
    title: "the reload taken, no Jupyter yet",
    now: { state: "restarting", jupyterPid: null, reloads: 3 },
    done: false,
  },
  { title: "the old Jupyter still running", now: { jupyterPid: 100, reloads: 2 }, done: false },
  {
    title: "a supervisor older than the count: a new Jupyter running is enough",
    before: { reloads: undefined },
    now: { jupyterPid: 200, reloads: undefined },
    done: true,
  },
  {
    title: "a new supervisor (a unit's restart) with its Jupyter running: its own count starts at 0",
    now: { supervisorPid: 11, jupyterPid: 200, reloads: 0 },
    done: true,
  },
  {
    title: "Jupyter was gone when the restart was asked: a new one after the reload",
    before: { state: "restarting", jupyterPid: null },
    now: { jupyterPid: 200, reloads: 3 },
    done: true,
  },
];

for (const c of restartTable) {
  test(`restartDone: ${c.title}`, () => {
    assert.equal(restartDone({ ...asked, ...c.before }, { ...asked, ...c.now }), c.done);
  });
}
