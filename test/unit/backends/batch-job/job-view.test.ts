import assert from "node:assert/strict";
import test from "node:test";
import {
  jobHeartbeat,
  progressLine,
  recordOfJob,
  shownState,
  supervisorBeats,
} from "../../../../src/backends/batch-job/job-view.js";
import type { StatusReport } from "../../../../src/core/status-report.js";
import { iso, jobFixtures, now } from "./job-view-table.js";

const { record, common } = jobFixtures("sched", "n1");
const job = { ...common, end: null, seen: null };

test("a state record belongs to the job only when it names the job's id", () => {
  assert.equal(recordOfJob(job, record), record);
  assert.equal(recordOfJob(job, { ...record, job: { ...record.job!, id: "41" } }), null);
  assert.equal(recordOfJob(job, { ...record, job: null }), null);
  assert.equal(recordOfJob(job, null), null);
});

test("the supervisor beats while its state is live and its heartbeat (or first write) is recent", () => {
  const cases: [string, typeof record | null, boolean][] = [
    ["fresh", record, true],
    ["stale", { ...record, heartbeatAt: iso(-jobHeartbeat.staleMs - 1) }, false],
    ["before the first beat, written just now", { ...record, heartbeatAt: null, updatedAt: iso(-1000) }, true],
    ["stopped", { ...record, state: "stopped" }, false],
    ["failed", { ...record, state: "failed" }, false],
    ["no record", null, false],
  ];
  for (const [what, r, want] of cases) assert.equal(supervisorBeats(r, now), want, what);
});

test("start shows the job's state, with the node once Jupyter starts, and a placeholder before the first answer", () => {
  const r = (fields: Partial<StatusReport>) =>
    ({ state: "pending", jobState: null, node: null, ...fields }) as StatusReport;
  assert.equal(shownState(r({ jobState: "PENDING" }), "SUBMITTED"), "PENDING");
  assert.equal(shownState(r({}), "submitted"), "submitted");
  assert.equal(shownState(r({ state: "starting", jobState: "r", node: "n1" }), "?"), "r on n1, Jupyter starting");
  assert.equal(shownState(r({ state: "restarting", jobState: "RUNNING" }), "?"), "RUNNING on ?, Jupyter starting");
});

test("the progress line names the job, its state, why it waits, the elapsed seconds and the scheduler's estimate", () => {
  assert.equal(progressLine("42", "PENDING", "Resources", 3.4), "job 42: PENDING (Resources), 3 s");
  assert.equal(progressLine("42", "qw", "queue full", 3.2), "job 42: qw (queue full), 3 s");
  assert.equal(
    progressLine("42", "RUNNING on node1, Jupyter starting", null, 10),
    "job 42: RUNNING on node1, Jupyter starting, 10 s",
  );
  assert.equal(progressLine("42", "PENDING", null, 3, ", in 45 s"), "job 42: PENDING, 3 s, in 45 s");
});
