import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import {
  parseQacct,
  parseQstat,
  parseQstatJ,
  parseQsubTerse,
  parseSgeDuration,
  saysUnknownJob,
  sgeAcctTimeToIso,
  sgeListTimeToIso,
} from "../../../../src/backends/sge/qstat-parse.js";
import { describeEnd, endIsFailure, phaseOf, unaccountedEnd } from "../../../../src/backends/sge/job-state.js";

const sample = (f: string) => readFileSync(join(import.meta.dirname, "../../../fixtures/sge", f), "utf8");
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s).toISOString();

test("qsub -terse prints the job id (an array job's range is dropped); anything else is an error", () => {
  assert.equal(parseQsubTerse(sample("qsub-terse.txt")), "2");
  assert.equal(parseQsubTerse("17.1-10:1\n"), "17");
  assert.throws(() => parseQsubTerse(sample("qsub-refused.txt")), /unexpected qsub output/);
});

test("plain qstat rows give id, state letters, exec host of a running job and its start time", () => {
  assert.deepEqual(parseQstat(sample("qstat-r-qw.txt")), [
    { jobId: "2", state: "r", node: "sgenode", at: local(2026, 12, 4, 5, 43, 50) },
    { jobId: "3", state: "r", node: "sgenode", at: local(2026, 12, 4, 5, 43, 50) },
    { jobId: "4", state: "qw", node: null, at: local(2026, 12, 4, 5, 43, 51) },
    { jobId: "5", state: "hqw", node: null, at: local(2026, 12, 4, 5, 43, 51) },
  ]);
  assert.deepEqual(
    parseQstat(sample("qstat-dr.txt")).map((r) => [r.jobId, r.state, r.node]),
    [["8", "dr", "sgenode"]],
  );
  assert.deepEqual(
    parseQstat(sample("qstat-eqw.txt")).map((r) => r.state),
    ["Eqw"],
  );
  assert.deepEqual(parseQstat(""), []);
});

test("qstat -j gives the hard h_rt in seconds and why the job waits or is in error", () => {
  assert.deepEqual(parseQstatJ(sample("qstat-j-h-rt.txt")), { jobId: "8", hRtSec: 600, reason: null });
  const held = parseQstatJ(sample("qstat-j-held.txt"));
  assert.equal(held?.hRtSec, null);
  assert.match(held?.reason ?? "", /dropped because it is full .*Job is in hold state/);
  assert.match(parseQstatJ(sample("qstat-j-eqw.txt"))?.reason ?? "", /can't open output file .*Permission denied/);
  assert.equal(parseQstatJ(sample("qstat-j-running.txt"))?.jobId, "3");
  assert.equal(parseQstatJ(sample("qstat-j-gone.txt")), null);
});

test("an unknown job is told apart in qstat -j and qdel output", () => {
  assert.equal(saysUnknownJob(sample("qstat-j-gone.txt")), true);
  assert.equal(saysUnknownJob(sample("qdel-unknown.txt")), true);
  assert.equal(saysUnknownJob(sample("qacct-none.txt")), true);
  assert.equal(saysUnknownJob(sample("qdel-running.txt")), false);
  assert.equal(saysUnknownJob(sample("qdel-pending.txt")), false);
});

test("qacct records map to the end reasons status shows", () => {
  const at = "2026-12-04T05:45:00.000Z";
  const cases: [string, string, string, boolean][] = [
    ["qacct-h-rt.txt", "TIMEOUT", "time limit", false],
    ["qacct-qdel-running.txt", "DELETED", "deleted (qdel)", false],
    ["qacct-exit-3.txt", "FAILED", "failed (exit code 3)", true],
    ["qacct-completed.txt", "COMPLETED", "completed", false],
    ["qacct-failed-26.txt", "FAILED", "failed (26: opening input/output file)", true],
  ];
  for (const [file, jobState, reason, failure] of cases) {
    const acct = parseQacct(sample(file));
    assert.ok(acct, file);
    const end = describeEnd(acct, at);
    assert.deepEqual([end.jobState, end.reason, end.accounted, endIsFailure(end)], [jobState, reason, true, failure]);
  }
  assert.equal(parseQacct(sample("qacct-none.txt")), null);
  const rt = parseQacct(sample("qacct-h-rt.txt"));
  assert.deepEqual(
    [rt?.jobId, rt?.failed, rt?.exitStatus, rt?.node, rt?.startTime, rt?.endTime],
    ["4", 37, 0, "sgenode", local(2026, 12, 4, 5, 43, 56), local(2026, 12, 4, 5, 44, 12)],
  );
  assert.equal(parseQacct(sample("qacct-qdel-running.txt"))?.exitStatus, 137);
  assert.equal(parseQacct(sample("qacct-failed-26.txt"))?.startTime, null);
});

test("a job gone from qstat with no accounting keeps what the supervisor recorded", () => {
  assert.equal(unaccountedEnd("time limit", "x").reason, "time limit");
  assert.equal(unaccountedEnd(null, "x").accounted, false);
  assert.match(unaccountedEnd(null, "x").reason, /no record/);
});

test("qstat's state letters map to pending, running and error", () => {
  const cases: [string, string][] = [
    ["qw", "pending"],
    ["hqw", "pending"],
    ["hRwq", "pending"],
    ["r", "running"],
    ["t", "running"],
    ["Rr", "running"],
    ["dr", "running"],
    ["s", "pending"],
    ["S", "pending"],
    ["Eqw", "error"],
    ["dEqw", "error"],
    ["", "unknown"],
  ];
  for (const [state, phase] of cases) assert.equal(phaseOf(state), phase, state);
});

test("Grid Engine durations and times", () => {
  assert.equal(parseSgeDuration("600"), 600);
  assert.equal(parseSgeDuration("0:0:40"), 40);
  assert.equal(parseSgeDuration("1:30:00"), 5400);
  assert.equal(parseSgeDuration("INFINITY"), null);
  assert.equal(sgeListTimeToIso("12/04/2026 05:43:50"), local(2026, 12, 4, 5, 43, 50));
  assert.equal(sgeListTimeToIso("garbage"), null);
  assert.equal(sgeAcctTimeToIso("Fri Dec  4 05:43:56 2026"), local(2026, 12, 4, 5, 43, 56));
  assert.equal(sgeAcctTimeToIso("-/-"), null);
});
