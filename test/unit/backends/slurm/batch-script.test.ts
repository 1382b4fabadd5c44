import assert from "node:assert/strict";
import test from "node:test";
import {
  batchScript,
  parseSubmitted,
  parseTimeWarning,
  sbatchArgv,
} from "../../../../src/backends/slurm/batch-script.js";
import type { BatchPlan } from "../../../../src/backends/batch-job/script.js";
import { shQuote } from "../../../../src/core/ssh-command.js";
import { shellWords } from "../../../../src/core/shell-words.js";
import { jobEnvironment } from "../../../../src/backends/backend.js";

const plan: BatchPlan = {
  name: "gpu",
  supervisorArgv: ["/usr/bin/node", "/opt/jl remote/jlremote.mjs", "run", "--name", "gpu"],
  outputFile: "/h/.local/state/jlremote/gpu/job.out",
  rootDir: "/h/work",
  timeWarningSec: 600,
  userArgs: ["-p", "gpu", "-t", "4:00:00"],
};

test("the batch script runs the supervisor with every word quoted for sh and forwards USR1, USR2 (until a stop) and TERM to it", () => {
  const text = batchScript(plan);
  assert.match(text, /^#!\/bin\/sh\n/);
  assert.match(text, /\n {2}\/usr\/bin\/node '\/opt\/jl remote\/jlremote.mjs' run --name gpu &\n/);
  for (const sig of ["USR1", "USR2"])
    assert.match(text, new RegExp(`trap '\\[ "\\$stop" = 1 \\] \\|\\| kill -${sig} "\\$child" 2>/dev/null' ${sig}`));
  assert.match(text, /trap 'stop=1; kill -TERM "\$child" 2>\/dev\/null' TERM INT/);
  assert.doesNotMatch(text, /token/i);
});

test("sbatch argv puts ours first and the user's after, then the script file", () => {
  assert.deepEqual(sbatchArgv(plan, "/s/job.sbatch"), [
    "--parsable",
    "--job-name=jlremote-gpu",
    "--output=/h/.local/state/jlremote/gpu/job.out",
    "--open-mode=append",
    "--signal=B:USR1@600",
    "--chdir=/h/work",
    "-p",
    "gpu",
    "-t",
    "4:00:00",
    "/s/job.sbatch",
  ]);
});

test("sbatch options jlremote owns are refused with a hint", () => {
  for (const bad of [["--output=x"], ["-o", "x"], ["--signal=USR1@5"], ["--wrap=true"]]) {
    assert.throws(() => sbatchArgv({ ...plan, userArgs: bad }, "s"), /is set by jlremote/, bad.join(" "));
  }
});

test("shell words split like sh without expansion, and quoting round-trips", () => {
  const cases: [string, string[]][] = [
    ["-p gpu -t 4:00:00 --gres=gpu:1", ["-p", "gpu", "-t", "4:00:00", "--gres=gpu:1"]],
    [`--comment="two words" -J 'a b'`, ["--comment=two words", "-J", "a b"]],
    ["  ", []],
    [`a\\ b "x\\"y"`, ["a b", `x"y`]],
    [`''`, [""]],
  ];
  for (const [text, want] of cases) assert.deepEqual(shellWords(text), want, text);
  assert.throws(() => shellWords(`-J "open`), /unbalanced " quote/);
  assert.equal(shQuote("it's"), `'it'\\''s'`);
});

test("sbatch --parsable output and --time-warning are validated", () => {
  assert.equal(parseSubmitted("42\n"), "42");
  assert.equal(parseSubmitted("42;cluster\n"), "42");
  assert.throws(() => parseSubmitted("Submitted batch job"), /unexpected sbatch output/);
  assert.equal(parseTimeWarning(undefined), 600);
  assert.equal(parseTimeWarning("90"), 90);
  assert.throws(() => parseTimeWarning("1m"), /--time-warning 1m: expected whole seconds/);
});

test("--idle-timeout becomes Jupyter's own culling config (NotebookApp for notebook 6) and survives the run argv", async () => {
  const { idleConfig } = await import("../../../../src/core/jupyter-config.js");
  const { runArgv, validateStartOptions } = await import("../../../../src/core/instance-options.js");
  assert.deepEqual(idleConfig("lab", { serverMajor: 2, notebookMajor: null }, 1800), {
    MappingKernelManager: { cull_idle_timeout: 1800, cull_interval: 300 },
    ServerApp: { shutdown_no_activity_timeout: 1800 },
  });
  assert.deepEqual(idleConfig("notebook", { serverMajor: 1, notebookMajor: 6 }, 3), {
    MappingKernelManager: { cull_idle_timeout: 3, cull_interval: 2 },
    NotebookApp: { shutdown_no_activity_timeout: 3 },
  });
  const raw = { name: "x", app: "server", jupyter: "j", maxRestarts: 5, timeout: 60, stopTimeout: 10, extraArgs: [] };
  const v = validateStartOptions({ ...raw, idleTimeout: "30", scheduler: "slurm" }, ["slurm"]);
  assert.equal(v.idleTimeoutMin, 30);
  const argv = runArgv(
    { ...v, app: "server", jupyter: "/j", rootDir: "/r", command: ["/j", "server"], env: {}, prologue: null },
    false,
  );
  assert.deepEqual(argv.slice(argv.indexOf("--scheduler"), argv.indexOf("--scheduler") + 4), [
    "--scheduler",
    "slurm",
    "--idle-timeout",
    "30",
  ]);
  assert.throws(() => validateStartOptions({ ...raw, idleTimeout: "soon" }, ["slurm"]), /--idle-timeout soon/);
});

test("sbatch exports the caller's environment without its instance marker and jllocal's per-start flags", () => {
  const env = {
    PATH: "/usr/bin",
    HOME: "/h",
    JLREMOTE_INSTANCE: "0123abcd",
    JLREMOTE_CANCEL_ON_EOF: "1",
    JLREMOTE_LISTEN_DEFAULT: "sock",
    NODE_EXTRA_CA_CERTS: "/ca.pem",
  };
  const out = Object.fromEntries(Object.entries(jobEnvironment(env)).filter(([, v]) => v !== undefined));
  // NODE_EXTRA_CA_CERTS is parked for the supervisor's node start (its entry puts it back for Jupyter).
  assert.deepEqual(out, { PATH: "/usr/bin", HOME: "/h", JLREMOTE_PARKED_NODE_EXTRA_CA_CERTS: "/ca.pem" });
});
