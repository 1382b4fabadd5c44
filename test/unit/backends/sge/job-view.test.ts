import assert from "node:assert/strict";
import test from "node:test";
import { buildStatus } from "../../../../src/core/status-report.js";
import type { StateRecord } from "../../../../src/core/types.js";
import type { JobRecord } from "../../../../src/backends/sge/job-file.js";
import { filesAnswer, jobReport, progressLine } from "../../../../src/backends/sge/job-view.js";

const now = Date.parse("2026-12-01T12:00:00Z");
const iso = (ms: number) => new Date(now + ms).toISOString();
const options = {
  name: "gpu",
  app: "lab" as const,
  jupyter: "/j",
  port: null,
  portExplicit: false,
  rootDir: "/",
  extraArgs: [],
  maxRestarts: 5,
  readyTimeoutMs: 1,
  stopTimeoutMs: 1,
  sock: false,
  healthIntervalMs: 1,
  healthRetries: 1,
  scheduler: "sge" as const,
  command: ["/j", "lab"],
  env: {},
  prologue: null,
};
const id = { pid: 10, startTime: 5, host: "sgenode", bootId: "b" };
const record: StateRecord = {
  schema: 1,
  name: "gpu",
  state: "running",
  host: "sgenode",
  supervisor: id,
  jupyter: { ...id, pid: 11 },
  port: 24000,
  socket: null,
  instanceId: "i",
  detachedProcesses: 0,
  token: "tok",
  app: "lab",
  options,
  startedAt: "t",
  restarts: 0,
  lastExit: null,
  reason: null,
  logFile: "/l",
  jupyterLogFile: "/j.log",
  version: "1",
  updatedAt: "t",
  heartbeatAt: iso(-5_000),
  listenHost: "10.0.0.2",
  job: { id: "42", node: "sgenode", endsAt: iso(3_600_000), warningAt: null, endReason: null },
};
const job: JobRecord = {
  schema: 1,
  jobId: "42",
  submittedAt: iso(-60_000),
  qsubArgs: [],
  timeWarningSec: 600,
  options,
  end: null,
  seen: null,
};
const base = (r: StateRecord | null) =>
  buildStatus(
    "gpu",
    r,
    { supervisorAlive: false, jupyterAlive: false },
    { host: "login", version: "1", managedBy: "sge", now },
  );

const ended = (jobState: string, reason: string, accounted = true) => ({
  jobState,
  reason,
  exitCode: null,
  at: iso(-1000),
  accounted,
});

test("a beating supervisor of this job: running on its node with time left, in the job object too, no qstat", () => {
  const r = jobReport(
    { ...base(record), state: "running", url: "http://10.0.0.2:24000/lab?token=tok" },
    job,
    record,
    now,
  );
  assert.deepEqual(
    [r.state, r.backend, r.jobId, r.jobState, r.node, r.secondsLeft, r.listenHost],
    ["running", "sge", "42", "r", "sgenode", 3600, "10.0.0.2"],
  );
  assert.deepEqual([r.job?.scheduler, r.job?.id, r.job?.node, r.job?.secondsLeft], ["sge", "42", "sgenode", 3600]);
  assert.equal(filesAnswer(job, record, now), true);
});

test("what the files say about a Grid Engine job, and when they cannot answer (then qstat or qacct)", () => {
  const stale = { ...record, heartbeatAt: iso(-60_000) };
  const cases: [string, JobRecord, StateRecord | null, string, RegExp | null, string | null, boolean][] = [
    [
      "queued",
      { ...job, seen: { jobState: "qw", reason: "queue full", node: null, at: "t" } },
      null,
      "pending",
      /job 42 qw \(queue full\)/,
      null,
      false,
    ],
    [
      "held",
      { ...job, seen: { jobState: "hqw", reason: null, node: null, at: "t" } },
      null,
      "pending",
      /hqw/,
      null,
      false,
    ],
    [
      "running, no record yet",
      { ...job, seen: { jobState: "r", reason: null, node: "sgenode", at: "t" } },
      null,
      "starting",
      null,
      null,
      false,
    ],
    [
      "error state",
      { ...job, seen: { jobState: "Eqw", reason: "can't open output file", node: null, at: "t" } },
      null,
      "failed",
      /error state: Eqw/,
      null,
      false,
    ],
    ["heartbeat stale", job, stale, "failed", /no heartbeat/, null, false],
    [
      "time limit from qacct",
      { ...job, end: ended("TIMEOUT", "time limit") },
      stale,
      "stopped",
      /time limit/,
      "time limit",
      true,
    ],
    [
      "failed exit code",
      { ...job, end: ended("FAILED", "failed (exit code 3)") },
      null,
      "failed",
      /exit code 3/,
      "failed (exit code 3)",
      true,
    ],
    [
      "the supervisor recorded its end, the job still leaves qstat",
      { ...job, seen: { jobState: "r", reason: null, node: "sgenode", at: "t" } },
      { ...record, state: "stopped", reason: "time limit", job: { ...record.job!, endReason: "time limit" } },
      "stopped",
      /time limit/,
      "time limit",
      false,
    ],
    [
      "gone, qacct not yet",
      { ...job, end: ended("GONE", "deleted (qdel)", false) },
      null,
      "stopped",
      /qdel/,
      "deleted (qdel)",
      false,
    ],
  ];
  for (const [what, j, rec, state, reason, endReason, answers] of cases) {
    const r = jobReport(base(rec), j, rec, now);
    assert.equal(r.state, state, what);
    if (reason) assert.match(r.reason ?? "", reason, what);
    assert.equal(r.endReason ?? null, endReason, what);
    assert.equal(filesAnswer(j, rec, now), answers, what);
    if (state !== "running") assert.equal(r.url, null, what);
  }
});

test("the progress line names the job, its state letters and why it waits", () => {
  assert.equal(progressLine("42", "qw", "queue full", 3.2), "job 42: qw (queue full), 3 s");
  assert.equal(
    progressLine("42", "r on sgenode, Jupyter starting", null, 10),
    "job 42: r on sgenode, Jupyter starting, 10 s",
  );
});
