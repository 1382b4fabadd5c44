import assert from "node:assert/strict";
import test from "node:test";
import type { StateRecord } from "../../../../src/core/types.js";
import type { JobRecord } from "../../../../src/backends/sge/job-file.js";
import { filesAnswer, jobReport } from "../../../../src/backends/sge/job-view.js";
import { endOf, iso, jobFixtures, jobViewTable, now } from "../batch-job/job-view-table.js";

const { record, common, base } = jobFixtures("sge", "sgenode");
const sgeJob = (fields: Partial<JobRecord>): JobRecord => ({
  ...common,
  qsubArgs: [],
  end: null,
  seen: null,
  ...fields,
});
const ended = (jobState: string, reason: string, accounted = true) => ({ ...endOf(jobState, reason), accounted });

jobViewTable<JobRecord>({
  name: "sge",
  node: "sgenode",
  queued: { jobState: "qw", reason: "queue full" },
  running: "r",
  job: sgeJob,
  end: ended,
  jobReport,
  filesAnswer,
});

test("Grid Engine's own cases: a held job, the error state, an end qacct has not confirmed yet", () => {
  const cases: [string, JobRecord, StateRecord | null, string, RegExp | null, string | null, boolean][] = [
    [
      "held",
      sgeJob({ seen: { jobState: "hqw", reason: null, node: null, at: "t" } }),
      null,
      "pending",
      /hqw/,
      null,
      false,
    ],
    [
      "error state",
      sgeJob({ seen: { jobState: "Eqw", reason: "can't open output file", node: null, at: "t" } }),
      null,
      "failed",
      /error state: Eqw/,
      null,
      false,
    ],
    [
      "the supervisor recorded its end, the job still leaves qstat",
      sgeJob({ seen: { jobState: "r", reason: null, node: "sgenode", at: "t" } }),
      { ...record, state: "stopped", reason: "time limit", job: { ...record.job!, endReason: "time limit" } },
      "stopped",
      /time limit/,
      "time limit",
      false,
    ],
    [
      "gone, qacct not yet",
      sgeJob({ end: ended("GONE", "deleted (qdel)", false) }),
      null,
      "stopped",
      /qdel/,
      "deleted (qdel)",
      false,
    ],
    [
      "gone long ago, qacct never answered",
      sgeJob({ end: { ...ended("GONE", "deleted (qdel)", false), at: iso(-11 * 60_000) } }),
      null,
      "stopped",
      /qdel/,
      "deleted (qdel)",
      true,
    ],
  ];
  for (const [what, j, rec, state, reason, endReason, answers] of cases) {
    const r = jobReport(base(rec), j, rec, now);
    assert.equal(r.state, state, what);
    if (reason) assert.match(r.reason ?? "", reason, what);
    assert.equal(r.endReason ?? null, endReason, what);
    assert.equal(filesAnswer(j, rec, now), answers, what);
    assert.equal(r.url, null, what);
  }
});
