import assert from "node:assert/strict";
import { test } from "node:test";
import {
  expectedSchedulers,
  fillSchedulerNames,
  isSchedulerName,
  parseSchedulerChoice,
  schedulerNamesSlot,
} from "../../../src/core/scheduler-names.js";

test("the scheduler validators accept exactly the names they are given", () => {
  assert.equal(expectedSchedulers(["a"]), "expected a or none");
  assert.equal(expectedSchedulers(["a", "b"]), "expected a, b or none");
  assert.equal(isSchedulerName("b", ["a", "b"]), true);
  assert.equal(isSchedulerName("c", ["a", "b"]), false);
  assert.equal(isSchedulerName(1, ["a"]), false);
  assert.equal(parseSchedulerChoice("a", ["a"]), "a");
  assert.equal(parseSchedulerChoice("none", ["a"]), "none");
  assert.equal(parseSchedulerChoice(undefined, ["a"]), undefined);
  assert.throws(() => parseSchedulerChoice("c", ["a", "b"]), /^JlremoteError: --scheduler c: expected a, b or none$/);
  assert.equal(fillSchedulerNames(`${schedulerNamesSlot}: a batch job`, ["a", "b"]), "a or b: a batch job");
});
