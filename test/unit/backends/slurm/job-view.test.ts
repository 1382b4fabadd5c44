import assert from "node:assert/strict";
import test from "node:test";
import { buildStatus } from "../../../../src/core/status-report.js";
import type { StateRecord } from "../../../../src/core/types.js";
import type { JobRecord } from "../../../../src/backends/slurm/job-file.js";
import { filesAnswer, jobReport, progressLine, slurmHeartbeat } from "../../../../src/backends/slurm/job-view.js";
import { forwardTarget, parseRemoteStatus, sameTarget, timeLeftWarning } from "../../../../src/core/remote-status.js";
import { forwardSpec } from "../../../../src/core/ssh-command.js";
import { joinDashValues } from "../../../../src/cli-commands.js";

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
  scheduler: "slurm" as const,
  command: ["/j", "lab"],
  env: {},
  prologue: null,
};
const id = { pid: 10, startTime: 5, host: "node1", bootId: "b" };
const record: StateRecord = {
  schema: 1,
  name: "gpu",
  state: "running",
  host: "node1",
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
  job: { id: "42", node: "node1", endsAt: iso(3_600_000), warningAt: null, endReason: null },
};
const job: JobRecord = {
  schema: 1,
  jobId: "42",
  submittedAt: iso(-60_000),
  sbatchArgs: [],
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
    { host: "login", version: "1", managedBy: "slurm", now },
  );

test("a beating supervisor of this job: running on its node with time left, the URL on the node's address, no scheduler call", () => {
  const r = jobReport(
    { ...base(record), state: "running", url: "http://10.0.0.2:24000/lab?token=tok", token: "tok" },
    job,
    record,
    now,
  );
  assert.deepEqual(
    [r.state, r.backend, r.jobId, r.jobState, r.node, r.secondsLeft, r.listenHost, r.elsewhere],
    ["running", "slurm", "42", "RUNNING", "node1", 3600, "10.0.0.2", false],
  );
  assert.equal(filesAnswer(job, record, now), true);
});

test("what the files say, and when they cannot answer (then one scheduler call)", () => {
  const cases: [
    string,
    JobRecord,
    StateRecord | null,
    { state: string; reason?: RegExp; endReason?: string | null },
    boolean,
  ][] = [
    [
      "queued, no record yet",
      { ...job, seen: { jobState: "PENDING", reason: "Resources", node: null, at: "t" } },
      null,
      { state: "pending", reason: /job 42 PENDING \(Resources\)/ },
      false,
    ],
    [
      "an older job's record",
      { ...job, seen: { jobState: "PENDING", reason: "Priority", node: null, at: "t" } },
      { ...record, job: { ...record.job!, id: "41" } },
      { state: "pending" },
      false,
    ],
    [
      "running but the supervisor has not written yet",
      { ...job, seen: { jobState: "RUNNING", reason: null, node: "node1", at: "t" } },
      null,
      { state: "starting" },
      false,
    ],
    [
      "a record of this job written just before its first heartbeat",
      { ...job, seen: { jobState: "RUNNING", reason: null, node: "node1", at: "t" } },
      { ...record, state: "starting", heartbeatAt: null, updatedAt: iso(-1000) },
      { state: "starting" },
      true,
    ],
    [
      "heartbeat stale",
      job,
      { ...record, heartbeatAt: iso(-slurmHeartbeat.staleMs - 1) },
      { state: "failed", reason: /no heartbeat from the supervisor on node1/ },
      false,
    ],
    [
      "the supervisor recorded a time-limit stop",
      job,
      { ...record, state: "stopped", reason: "time limit" },
      { state: "stopped", reason: /time limit/ },
      false,
    ],
    [
      "stopped, then Slurm has the job queued again (requeued)",
      { ...job, seen: { jobState: "PENDING", reason: "BeginTime", node: null, at: iso(0) } },
      { ...record, state: "stopped", updatedAt: iso(-10_000) },
      { state: "pending", reason: /job 42 requeued: PENDING \(BeginTime\)/ },
      false,
    ],
    [
      "stopped while the job is still completing: not a requeue",
      { ...job, seen: { jobState: "COMPLETING", reason: null, node: "node1", at: iso(0) } },
      { ...record, state: "stopped", reason: "time limit", updatedAt: iso(-1000) },
      { state: "stopped" },
      false,
    ],
    [
      "an end recorded: time limit",
      { ...job, end: { jobState: "TIMEOUT", reason: "time limit", exitCode: "0:15", at: "t" } },
      record,
      { state: "stopped", endReason: "time limit" },
      true,
    ],
    [
      "an end recorded: out of memory",
      { ...job, end: { jobState: "OUT_OF_MEMORY", reason: "out of memory", exitCode: null, at: "t" } },
      record,
      { state: "failed", endReason: "out of memory" },
      true,
    ],
  ];
  for (const [what, j, rec, want, answers] of cases) {
    const r = jobReport(base(rec), j, rec, now);
    assert.equal(r.state, want.state, what);
    if (want.reason) assert.match(r.reason ?? "", want.reason, what);
    if (want.endReason !== undefined) assert.equal(r.endReason, want.endReason, what);
    if (r.state !== "starting") assert.equal(r.url, null, `${what}: no URL unless running`);
    assert.equal(filesAnswer(j, rec, now), answers, what);
  }
});

test("progress lines name the job, its state, why it waits and the elapsed time", () => {
  assert.equal(progressLine("42", "PENDING", "Resources", 3.4), "job 42: PENDING (Resources), 3 s");
  assert.equal(
    progressLine("42", "RUNNING on node1, Jupyter starting", null, 10),
    "job 42: RUNNING on node1, Jupyter starting, 10 s",
  );
  const t0 = Date.parse("2026-12-01T10:00:00Z");
  const eta = (at: string | null) => progressLine("42", "PENDING", "Priority", 3, { at, now: t0 });
  assert.equal(eta(null), "job 42: PENDING (Priority), 3 s");
  assert.equal(eta("2026-12-01T10:00:45Z"), "job 42: PENDING (Priority), 3 s, Slurm expects it to start in 45 s");
  assert.equal(eta("2026-12-01T10:25:10Z"), "job 42: PENDING (Priority), 3 s, Slurm expects it to start in 25 min");
  assert.equal(eta("2026-12-01T09:59:00Z"), "job 42: PENDING (Priority), 3 s, Slurm expects it to start now");
});

test("a pending job reports Slurm's start estimate (expectedStartAt), a running one does not", () => {
  const at = iso(600_000);
  const pending = jobReport(
    base(null),
    { ...job, seen: { jobState: "PENDING", reason: "Priority", node: null, at: "t", expectedStart: at } },
    null,
    now,
  );
  assert.equal(pending.expectedStartAt, at);
  const starting = jobReport(
    base(null),
    { ...job, seen: { jobState: "RUNNING", reason: null, node: "node1", at: "t", expectedStart: null } },
    null,
    now,
  );
  assert.equal(starting.expectedStartAt, null);
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

test("status --json of a job nests its facts under `job` and keeps the schema 1 top-level fields", () => {
  const ended = { ...job, end: { jobState: "TIMEOUT", reason: "time limit", exitCode: null, at: iso(0) } };
  for (const [j, r] of [
    [job, record],
    [ended, record],
    [
      { ...job, seen: { jobState: "PENDING", reason: "Priority", node: null, at: "t", expectedStart: iso(60_000) } },
      null,
    ],
  ] as const) {
    const out = jobReport(base(r), j, r, now);
    const topLevel = {
      id: out.jobId,
      state: out.jobState,
      reason: out.jobReason,
      node: out.node,
      endsAt: out.endsAt,
      secondsLeft: out.secondsLeft,
      expectedStartAt: out.expectedStartAt ?? null,
      walltimeWarningAt: out.walltimeWarningAt,
      endReason: out.endReason,
    };
    assert.deepEqual(out.job, { scheduler: "slurm", ...topLevel });
    for (const key of [
      "jobId",
      "jobState",
      "jobReason",
      "node",
      "endsAt",
      "secondsLeft",
      "walltimeWarningAt",
      "endReason",
    ])
      assert.ok(key in out, `top-level ${key} kept`);
    assert.equal(out.jobId, "42");
  }
});
