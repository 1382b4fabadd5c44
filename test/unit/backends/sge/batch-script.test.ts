import assert from "node:assert/strict";
import test from "node:test";
import {
  batchScript,
  hardRuntimeOf,
  jobEnv,
  parseWarningLead,
  qsubArgv,
} from "../../../../src/backends/sge/batch-script.js";
import type { BatchPlan } from "../../../../src/backends/batch-job/script.js";
import { sgeInJob } from "../../../../src/backends/sge/in-job.js";

const plan: BatchPlan = {
  name: "gpu",
  supervisorArgv: ["/usr/bin/node", "/opt/j l/jlremote.cjs", "run", "--name", "gpu", "--scheduler", "sge"],
  outputFile: "/home/u/.local/state/jlremote/gpu/job.out",
  rootDir: "/home/u",
  timeWarningSec: 120,
  userArgs: ["-l", "h_rt=0:0:40", "-q", "all.q"],
};

test("the job script runs the supervisor, ignores -notify's signals itself and carries no token", () => {
  const s = batchScript(plan);
  assert.match(s, /^#!\/bin\/sh\n/);
  assert.match(s, /'\/opt\/j l\/jlremote\.cjs' run --name gpu --scheduler sge &/);
  assert.match(s, /trap '' USR1 USR2/);
  assert.match(s, new RegExp(`${jobEnv.started}=\\$\\(date \\+%s\\) ${jobEnv.warning}=120 ${jobEnv.hRt}=40`));
  assert.doesNotMatch(s, /token/i);
  assert.doesNotMatch(batchScript({ ...plan, userArgs: [] }), new RegExp(jobEnv.hRt));
});

test("qsub gets ours first (terse, -notify, -V, output), the user's after, the script last", () => {
  const argv = qsubArgv(plan, "/s/job.qsub");
  assert.deepEqual(argv.slice(0, 3), ["-terse", "-b", "n"]);
  for (const a of ["-notify", "-V"]) assert.ok(argv.includes(a), a);
  assert.equal(argv[argv.indexOf("-o") + 1], plan.outputFile);
  assert.deepEqual(argv.slice(-5), ["-l", "h_rt=0:0:40", "-q", "all.q", "/s/job.qsub"]);
  assert.throws(() => qsubArgv({ ...plan, userArgs: ["-o", "/tmp/x"] }, "/s"), /--qsub: -o is set by jlremote/);
  assert.throws(() => qsubArgv({ ...plan, userArgs: ["-sync", "y"] }, "/s"), /-sync is set by jlremote/);
});

test("the h_rt asked for is read from -l lists (the last wins)", () => {
  assert.equal(hardRuntimeOf(["-l", "h_rt=0:0:40"]), 40);
  assert.equal(hardRuntimeOf(["-l", "mem_free=1G,h_rt=1:00:00"]), 3600);
  assert.equal(hardRuntimeOf(["-lh_rt=600", "-l", "h_rt=30"]), 30);
  assert.equal(hardRuntimeOf(["-q", "all.q"]), null);
});

test("--time-warning is whole seconds up to a day", () => {
  assert.equal(parseWarningLead(undefined), 600);
  assert.equal(parseWarningLead("30"), 30);
  assert.throws(() => parseWarningLead("1.5"), /--time-warning 1.5: expected whole seconds/);
  assert.throws(() => parseWarningLead("90000"), /expected whole seconds/);
});

test("inside a job: JOB_ID with SGE's spool dir, the end from the script's start and h_rt, the lead, the reason", async () => {
  assert.equal(sgeInJob.jobId({ JOB_ID: "7" }), null);
  assert.equal(sgeInJob.jobId({ JOB_ID: "7", SGE_JOB_SPOOL_DIR: "/s/7.1" }), "7");
  const env = { [jobEnv.started]: "1800000000", [jobEnv.hRt]: "40", [jobEnv.warning]: "10" };
  assert.equal(await sgeInJob.endsAt("7", env), new Date(1_800_000_040_000).toISOString());
  assert.equal(sgeInJob.warnAheadSec?.(env), 10);
  assert.equal(sgeInJob.endingSignal, "SIGUSR2");
  const ends = new Date(1_800_000_040_000).toISOString();
  assert.equal(sgeInJob.stopReason(ends, 1_800_000_039_000), "time limit");
  assert.equal(sgeInJob.stopReason(ends, 1_800_000_000_000), "deleted (qdel)");
  assert.equal(sgeInJob.stopReason(null, 1_800_000_000_000), "deleted (qdel)");
});
