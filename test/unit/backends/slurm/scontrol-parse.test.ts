import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import {
  parseSacct,
  parseScontrolJob,
  parseSqueue,
  slurmTimeToIso,
} from "../../../../src/backends/slurm/scontrol-parse.js";
import { describeEnd, phaseOf, refineEnd } from "../../../../src/backends/slurm/job-state.js";

const sample = (f: string) => readFileSync(join(import.meta.dirname, "../../../fixtures/slurm", f), "utf8");

test("scontrol show job samples from the test cluster parse into state, reason, node, exit code and times", () => {
  const cases: [string, Partial<NonNullable<ReturnType<typeof parseScontrolJob>>>, string][] = [
    [
      "scontrol-pending-partition-down.txt",
      { jobId: "2", jobState: "PENDING", reason: "PartitionDown", node: null, endTime: null },
      "pending",
    ],
    [
      "scontrol-running-timelimit.txt",
      {
        jobId: "3",
        jobState: "RUNNING",
        reason: null,
        node: "node1",
        endTime: "2026-12-01T11:34:32",
        timeLimit: "00:01:00",
      },
      "running",
    ],
    ["scontrol-cancelled.txt", { jobId: "1", jobState: "CANCELLED", exitCode: "0:15", node: "node1" }, "ended"],
    ["scontrol-failed.txt", { jobId: "4", jobState: "FAILED", reason: "NonZeroExitCode", exitCode: "3" }, "ended"],
    ["scontrol-timeout.txt", { jobId: "3", jobState: "TIMEOUT", reason: "TimeLimit" }, "ended"],
    ["scontrol-completed.txt", { jobId: "5", jobState: "COMPLETED", exitCode: "0" }, "ended"],
  ];
  for (const [file, want, phase] of cases) {
    const got = parseScontrolJob(sample(file));
    assert.ok(got, file);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${file}: ${k}`);
    assert.equal(phaseOf(got.jobState), phase, file);
  }
});

test("an unknown job id (scontrol's error text) parses to null", () => {
  assert.equal(parseScontrolJob(sample("scontrol-invalid.txt")), null);
});

test("squeue lines give id, state, pending reason, node and end time", () => {
  assert.deepEqual(parseSqueue(sample("squeue-mixed.txt")), [
    { jobId: "3", jobState: "RUNNING", reason: null, node: "node1", endTime: "2026-12-01T11:34:32" },
    { jobId: "2", jobState: "PENDING", reason: "PartitionDown", node: null, endTime: null },
  ]);
});

test("job states map to phases and ends to reasons people can read", () => {
  const phases: [string, string][] = [
    ["PENDING", "pending"],
    ["CONFIGURING", "pending"],
    ["REQUEUED", "pending"],
    ["RUNNING", "running"],
    ["COMPLETING", "running"],
    ["CANCELLED by 1000", "ended"],
    ["TIMEOUT", "ended"],
    ["OUT_OF_MEMORY", "ended"],
    ["NODE_FAIL", "ended"],
    ["PREEMPTED", "ended"],
    ["BOOT_FAIL", "ended"],
    ["WEIRD", "unknown"],
  ];
  for (const [s, p] of phases) assert.equal(phaseOf(s), p, s);
  const ends: [string, string | null, string][] = [
    ["TIMEOUT", "0:15", "time limit"],
    ["CANCELLED", "0:15", "cancelled (scancel)"],
    ["CANCELLED by 1000", null, "cancelled by uid 1000"],
    ["OUT_OF_MEMORY", "0:125", "out of memory"],
    ["NODE_FAIL", null, "node failure"],
    ["PREEMPTED", null, "preempted"],
    ["FAILED", "3", "failed (exit code 3)"],
    ["FAILED", "0:9", "failed (killed by signal 9)"],
    ["COMPLETED", "0", "completed"],
  ];
  for (const [s, code, reason] of ends) assert.equal(describeEnd(s, code, "t").reason, reason, s);
});

test("Slurm's zone-less timestamps are local time; anything else is null", () => {
  assert.equal(slurmTimeToIso("2026-12-01T11:34:32"), new Date("2026-12-01T11:34:32").toISOString());
  assert.equal(slurmTimeToIso("Unknown"), null);
  assert.equal(slurmTimeToIso(null), null);
});

test("a FAILED job whose output has Slurm's over-memory message ends as out of memory; other ends are kept", () => {
  const killed = describeEnd("FAILED", "0:9", "t");
  const oom =
    "slurmstepd-node1: error: StepId=1.batch exceeded memory limit (114880512 > 52428800), being killed\nslurmstepd-node1: error: Exceeded job memory limit";
  assert.equal(refineEnd(killed, oom).reason, "out of memory (the job exceeded its memory limit)");
  assert.equal(refineEnd(killed, "something else").reason, "failed (killed by signal 9)");
  assert.equal(refineEnd(describeEnd("TIMEOUT", null, "t"), oom).reason, "time limit");
});

test("sacct rows (where accounting answers) give the state, with who cancelled, and the exit code", () => {
  assert.deepEqual(parseSacct("41|COMPLETED|0:0\n42|CANCELLED by 1000|0:15\n", "42"), {
    jobId: "42",
    jobState: "CANCELLED by 1000",
    exitCode: "0:15",
  });
  assert.equal(describeEnd("CANCELLED by 1000", "0:15", "t").reason, "cancelled by uid 1000");
  assert.equal(parseSacct("", "42"), null);
});
