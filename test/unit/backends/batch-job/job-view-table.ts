// The job-view cases every batch scheduler answers alike, run by each scheduler's job-view test with its own words
// (state names, job file, end record), and the fixtures they share.
import assert from "node:assert/strict";
import test from "node:test";
import type { BatchJobEnd, BatchJobRecord } from "../../../../src/backends/batch-job/job-file.js";
import { jobHeartbeat } from "../../../../src/backends/batch-job/job-view.js";
import { buildStatus, type StatusReport } from "../../../../src/core/status-report.js";
import type { StateRecord } from "../../../../src/core/types.js";
import { testOptions } from "../../../helpers/options.js";
import type { BatchPlan } from "../../../../src/backends/batch-job/script.js";

/** The clock of every case. */
export const now = Date.parse("2026-12-01T12:00:00Z");

/** An ISO time `ms` from now. */
export const iso = (ms: number) => new Date(now + ms).toISOString();

/** A scheduler under test: its name, node, state words and pure job view. */
export interface JobViewSubject<R extends BatchJobRecord> {
  name: string;
  node: string;
  /** The scheduler's words for a queued job (with a reason) and a running one. */
  queued: { jobState: string; reason: string };
  running: string;
  /** Its job file for job 42 with these fields. */
  job(fields: Partial<R>): R;
  /** Its end record. */
  end(jobState: string, reason: string): NonNullable<R["end"]>;
  jobReport(base: StatusReport, job: R, record: StateRecord | null, now: number): StatusReport;
  filesAnswer(job: R, record: StateRecord | null, now: number): boolean;
}

/** The instance options, the supervisor's running record of job 42 on `node`, and the base status of a record. */
export function jobFixtures(scheduler: string, node: string) {
  const options = testOptions("gpu", "lab", { scheduler });
  const id = { pid: 10, startTime: 5, host: node, bootId: "b" };
  const record: StateRecord = {
    schema: 1,
    name: "gpu",
    state: "running",
    host: node,
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
    job: { id: "42", node, endsAt: iso(3_600_000), warningAt: null, endReason: null },
  };
  const common = { schema: 1 as const, jobId: "42", submittedAt: iso(-60_000), timeWarningSec: 600, options };
  const base = (r: StateRecord | null) =>
    buildStatus(
      "gpu",
      r,
      { supervisorAlive: false, jupyterAlive: false },
      { host: "login", version: "1", managedBy: scheduler, now },
    );
  return { options, record, common, base };
}

/** What the files say, the same for every scheduler: one test per case, named after the scheduler. */
export function jobViewTable<R extends BatchJobRecord>(s: JobViewSubject<R>): void {
  const { record, base } = jobFixtures(s.name, s.node);
  const job = s.job({});
  const seen = (jobState: string, reason: string | null, node: string | null) => ({ jobState, reason, node, at: "t" });
  const queued = s.job({ seen: seen(s.queued.jobState, s.queued.reason, null) } as Partial<R>);
  const running = s.job({ seen: seen(s.running, null, s.node) } as Partial<R>);

  test(`${s.name}: a beating supervisor of this job is running on its node with time left, the files answer`, () => {
    const r = s.jobReport(
      { ...base(record), state: "running", url: "http://10.0.0.2:24000/lab?token=tok" },
      job,
      record,
      now,
    );
    assert.deepEqual(
      [r.state, r.backend, r.managedBy, r.jobId, r.jobState, r.node, r.secondsLeft, r.listenHost, r.elsewhere],
      ["running", s.name, s.name, "42", s.running, s.node, 3600, "10.0.0.2", false],
    );
    assert.equal(s.filesAnswer(job, record, now), true);
  });

  const cases: [string, R, StateRecord | null, { state: string; reason?: RegExp; endReason?: string }, boolean][] = [
    [
      "queued, no record yet",
      queued,
      null,
      { state: "pending", reason: new RegExp(`job 42 ${s.queued.jobState} \\(${s.queued.reason}\\)`) },
      false,
    ],
    [
      "an older job's record says nothing of this one",
      queued,
      { ...record, job: { ...record.job!, id: "41" } },
      { state: "pending" },
      false,
    ],
    ["running, the supervisor has not written yet", running, null, { state: "starting" }, false],
    [
      "a record of this job written just before its first heartbeat",
      running,
      { ...record, state: "starting", heartbeatAt: null, updatedAt: iso(-1000) },
      { state: "starting" },
      true,
    ],
    [
      "heartbeat stale",
      job,
      { ...record, heartbeatAt: iso(-jobHeartbeat.staleMs - 1) },
      { state: "failed", reason: new RegExp(`no heartbeat from the supervisor on ${s.node}`) },
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
      "an end recorded: time limit",
      s.job({ end: s.end("TIMEOUT", "time limit") } as Partial<R>),
      record,
      { state: "stopped", reason: /time limit/, endReason: "time limit" },
      true,
    ],
    [
      "an end recorded: failed",
      s.job({ end: s.end("FAILED", "failed (exit code 3)") } as Partial<R>),
      null,
      { state: "failed", reason: /exit code 3/, endReason: "failed (exit code 3)" },
      true,
    ],
  ];
  test(`${s.name}: what the files say, and when they cannot answer (then one question to the scheduler)`, () => {
    for (const [what, j, rec, want, answers] of cases) {
      const r = s.jobReport(base(rec), j, rec, now);
      assert.equal(r.state, want.state, what);
      if (want.reason) assert.match(r.reason ?? "", want.reason, what);
      if (want.endReason !== undefined) assert.equal(r.endReason, want.endReason, what);
      if (r.state !== "starting") assert.equal(r.url, null, `${what}: no URL unless running`);
      assert.equal(s.filesAnswer(j, rec, now), answers, what);
    }
  });

  test(`${s.name}: status --json nests the job's facts under \`job\` and keeps the schema 1 top-level fields`, () => {
    const ended = s.job({ end: s.end("TIMEOUT", "time limit") } as Partial<R>);
    for (const [j, r] of [
      [job, record],
      [ended, record],
      [queued, null],
    ] as const) {
      const out = s.jobReport(base(r), j, r, now);
      assert.deepEqual(out.job, {
        scheduler: s.name,
        id: out.jobId,
        state: out.jobState,
        reason: out.jobReason,
        node: out.node,
        endsAt: out.endsAt,
        secondsLeft: out.secondsLeft,
        expectedStartAt: out.expectedStartAt ?? null,
        walltimeWarningAt: out.walltimeWarningAt,
        endReason: out.endReason,
      });
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
}

/** An end record as the shared table writes it (at a fixed time, no exit code). */
export function endOf(jobState: string, reason: string): BatchJobEnd {
  return { jobState, reason, exitCode: null, at: iso(-1000) };
}

/** A batch plan for instance gpu (a supervisor path with a space, to be quoted), with `fields` on top. */
export function testPlan(fields: Partial<BatchPlan> = {}): BatchPlan {
  const supervisorArgv = ["/usr/bin/node", "/opt/jl remote/jlremote.cjs", "run", "--name", "gpu"];
  return {
    name: "gpu",
    supervisorArgv,
    outputFile: "/h/job.out",
    rootDir: "/h",
    timeWarningSec: 600,
    userArgs: [],
    ...fields,
  };
}
