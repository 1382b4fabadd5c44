import assert from "node:assert/strict";
import test from "node:test";
import type { StateRecord } from "../../../../src/core/types.js";
import type { JobRecord } from "../../../../src/backends/slurm/job-file.js";
import { filesAnswer, jobReport, startEstimate } from "../../../../src/backends/slurm/job-view.js";
import { progressLine } from "../../../../src/backends/batch-job/job-view.js";
import { forwardTarget, parseRemoteStatus, sameTarget, timeLeftWarning } from "../../../../src/core/remote-status.js";
import { forwardSpec } from "../../../../src/core/ssh-command.js";
import { joinDashValues } from "../../../../src/cli-commands.js";
import { endOf, iso, jobFixtures, jobViewTable, now } from "../batch-job/job-view-table.js";

const { record, common, base } = jobFixtures("slurm", "node1");
const slurmJob = (fields: Partial<JobRecord>): JobRecord => ({
  ...common,
  sbatchArgs: [],
  end: null,
  seen: null,
  ...fields,
});
const job = slurmJob({});

jobViewTable<JobRecord>({
  name: "slurm",
  node: "node1",
  queued: { jobState: "PENDING", reason: "Resources" },
  running: "RUNNING",
  job: slurmJob,
  end: endOf,
  jobReport,
  filesAnswer,
});

test("Slurm's own cases: a requeued job, a job still completing, an end out of memory", () => {
  const cases: [string, JobRecord, StateRecord | null, { state: string; reason?: RegExp; endReason?: string }][] = [
    [
      "stopped, then Slurm has the job queued again (requeued)",
      slurmJob({ seen: { jobState: "PENDING", reason: "BeginTime", node: null, at: iso(0) } }),
      { ...record, state: "stopped", updatedAt: iso(-10_000) },
      { state: "pending", reason: /job 42 requeued: PENDING \(BeginTime\)/ },
    ],
    [
      "stopped while the job is still completing: not a requeue",
      slurmJob({ seen: { jobState: "COMPLETING", reason: null, node: "node1", at: iso(0) } }),
      { ...record, state: "stopped", reason: "time limit", updatedAt: iso(-1000) },
      { state: "stopped" },
    ],
    [
      "an end recorded: out of memory",
      slurmJob({ end: { jobState: "OUT_OF_MEMORY", reason: "out of memory", exitCode: null, at: "t" } }),
      record,
      { state: "failed", endReason: "out of memory" },
    ],
  ];
  for (const [what, j, rec, want] of cases) {
    const r = jobReport(base(rec), j, rec, now);
    assert.equal(r.state, want.state, what);
    if (want.reason) assert.match(r.reason ?? "", want.reason, what);
    if (want.endReason !== undefined) assert.equal(r.endReason, want.endReason, what);
    assert.equal(filesAnswer(j, rec, now), j.end !== null, what);
  }
});

test("the progress line ends with Slurm's start estimate, when it has one", () => {
  const t0 = Date.parse("2026-12-01T10:00:00Z");
  const eta = (at: string) => progressLine("42", "PENDING", "Priority", 3, startEstimate(at, t0));
  assert.equal(eta("2026-12-01T10:00:45Z"), "job 42: PENDING (Priority), 3 s, Slurm expects it to start in 45 s");
  assert.equal(eta("2026-12-01T10:25:10Z"), "job 42: PENDING (Priority), 3 s, Slurm expects it to start in 25 min");
  assert.equal(eta("2026-12-01T09:59:00Z"), "job 42: PENDING (Priority), 3 s, Slurm expects it to start now");
  assert.equal(eta("soon"), "job 42: PENDING (Priority), 3 s");
});

test("a pending job reports Slurm's start estimate (expectedStartAt), a running one does not", () => {
  const at = iso(600_000);
  const pending = jobReport(
    base(null),
    slurmJob({ seen: { jobState: "PENDING", reason: "Priority", node: null, at: "t", expectedStart: at } }),
    null,
    now,
  );
  assert.equal(pending.expectedStartAt, at);
  const starting = jobReport(
    base(null),
    slurmJob({ seen: { jobState: "RUNNING", reason: null, node: "node1", at: "t", expectedStart: null } }),
    null,
    now,
  );
  assert.equal(starting.expectedStartAt, null);
  assert.equal(jobReport(base(record), job, record, now).job?.expectedStartAt, null);
});

test("jllocal forwards to the node's address and warns when the job's time is nearly up", () => {
  const s = parseRemoteStatus(
    JSON.stringify({
      state: "running",
      port: 24000,
      token: "t",
      app: "lab",
      listenHost: "10.0.0.2",
      jobId: "42",
      node: "node1",
      secondsLeft: 300,
      walltimeWarningAt: null,
    }),
  );
  assert.ok(s);
  const target = forwardTarget(s);
  assert.deepEqual(target, { port: 24000, host: "10.0.0.2" });
  assert.equal(forwardSpec(8888, target!), "127.0.0.1:8888:10.0.0.2:24000");
  assert.equal(sameTarget(target!, { port: 24000 }), false, "a requeued job on another node is another target");
  assert.match(timeLeftWarning(s) ?? "", /job 42 on node1 reaches its time limit in 5 min/);
  assert.equal(timeLeftWarning({ ...s, secondsLeft: 3600 }), null);
  assert.match(timeLeftWarning({ ...s, secondsLeft: 3600, walltimeWarningAt: "t" }) ?? "", /in 60 min/);
  assert.equal(
    parseRemoteStatus(JSON.stringify({ state: "running", listenHost: "a b; rm" }))?.listenHost,
    null,
    "only an address-like host is used",
  );
});

test("--sbatch values that start with a dash stay values", () => {
  assert.deepEqual(joinDashValues(["start", "--sbatch", "-p gpu", "--no-wait"]), [
    "start",
    "--sbatch=-p gpu",
    "--no-wait",
  ]);
  assert.deepEqual(joinDashValues(["start", "--", "--sbatch", "x"]), ["start", "--", "--sbatch", "x"]);
});
