import assert from "node:assert/strict";
import test from "node:test";
import { progressDone, progressShow, progressStart, type ProgressState } from "../../../src/core/progress.js";

test("what a progress sink writes for each show and done, on a TTY and elsewhere", () => {
  type Step = ["show", string, string | null] | ["done"];
  const run = (steps: Step[], tty: boolean) => {
    let s: ProgressState = progressStart;
    return steps.map((step) => {
      const r = step[0] === "show" ? progressShow(s, step[1], step[2], tty) : progressDone(s);
      s = r.state;
      return r.write;
    });
  };
  const steps: Step[] = [
    ["show", "job 1: PENDING, 0 s", "PENDING"],
    ["show", "job 1: PENDING, 1 s", "PENDING"],
    ["show", "job 1: RUNNING, 2 s", "RUNNING"],
    ["show", "copying: 1 of 2 MB", null],
    ["done"],
    ["done"],
    ["show", "job 1: RUNNING, 9 s", "RUNNING"],
  ];
  assert.deepEqual(run(steps, true), [
    "job 1: PENDING, 0 s",
    "\r\x1b[Kjob 1: PENDING, 1 s",
    "\njob 1: RUNNING, 2 s",
    "\r\x1b[Kcopying: 1 of 2 MB",
    "\n",
    "",
    "job 1: RUNNING, 9 s",
  ]);
  assert.deepEqual(run(steps, false), [
    "job 1: PENDING, 0 s\n",
    "",
    "job 1: RUNNING, 2 s\n",
    "",
    "",
    "",
    "job 1: RUNNING, 9 s\n",
  ]);
});

test("live-only progress (no news) shows nothing off a TTY", () => {
  const r = progressShow(progressStart, "copying: 1 of 2 MB", null, false);
  assert.equal(r.write, "");
  assert.equal(progressDone(r.state).write, "");
});
