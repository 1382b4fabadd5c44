import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import test from "node:test";
import { jobScript } from "../../../../src/backends/batch-job/script.js";
import { testPlan } from "./job-view-table.js";

const plan = testPlan();
const directives = { says: "this shell runs its supervisor.", env: ["A=1", "export A"], traps: ["trap '' USR1"] };

test("the script: the scheduler's lines in place, the supervisor quoted for sh, TERM and INT stop it", () => {
  const lines = jobScript(plan, directives).split("\n");
  assert.deepEqual(lines.slice(0, 7), [
    "#!/bin/sh",
    "# jlremote instance 'gpu' (see `jlremote status --name gpu`): this shell runs its supervisor.",
    "A=1",
    "export A",
    "stop=0 child= tries=0",
    "trap '' USR1",
    `trap 'stop=1; kill -TERM "$child" 2>/dev/null' TERM INT`,
  ]);
  assert.ok(lines.includes("  /usr/bin/node '/opt/jl remote/jlremote.cjs' run --name gpu &"));
  assert.doesNotMatch(jobScript(plan, directives), /\bexec\b|token/i);
});

test("the script runs a supervisor killed by SIGKILL again (at most 5 times) and exits with any other status", () => {
  // The supervisor here: a shell that counts its runs in a file and kills itself with SIGKILL until the third run.
  const dir = spawnSync("mktemp", ["-d"], { encoding: "utf8" }).stdout.trim();
  const argv = [
    "sh",
    "-c",
    `n=$(($(cat ${dir}/n 2>/dev/null || echo 0) + 1)); echo $n > ${dir}/n; [ $n -lt 3 ] && kill -9 $$; exit 7`,
  ];
  const r = spawnSync("sh", ["-c", jobScript({ ...plan, supervisorArgv: argv }, directives)], {
    encoding: "utf8",
    timeout: 20_000,
  });
  const runs = spawnSync("cat", [`${dir}/n`], { encoding: "utf8" }).stdout.trim();
  spawnSync("rm", ["-rf", dir]);
  assert.equal(r.status, 7);
  assert.equal(runs, "3");
});
