// `npm run bench`: the figures of issues 6, 13, 12, 14 and 21, interleaved against their baselines; prints a Markdown table and
// writes bench/results.json. Exits non-zero only when it cannot measure. Usage:
//   node bench/run.mjs [--only 1,3] [--rounds 30] [--slow-rounds 10] [--idle 60] [--soak 100000]
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { adoptionRecovery } from "./figures/adoption.mjs";
import { idleFootprint } from "./figures/idle.mjs";
import { laptopCold, laptopWarm } from "./figures/laptop.mjs";
import { coldStart, recovery, stopWithKernel } from "./figures/lifecycle.mjs";
import { filesTouched, statusSpeed } from "./figures/status.mjs";
import { slurmBenchSkip, slurmStart } from "./figures/slurm.mjs";
import { CLI } from "./lib/jlremote.mjs";
import { JLLOCAL } from "./lib/laptop.mjs";
import { makeSandbox } from "./lib/sandbox.mjs";
import { hereSoak, supervisorSoak } from "./figures/soak.mjs";
import { labPageLoad, labUiBenchSkip } from "./figures/lab-ui.mjs";
import { selfDeploy } from "./figures/deploy.mjs";
import { renderTable } from "./table.mjs";

const { values: opt } = parseArgs({
  options: {
    only: {
      type: "string",
      default: slurmBenchSkip() === null ? "1,2,3,4,5,6,7,8,9,10,11,12,13" : "1,2,3,4,5,6,7,8,9,11,12,13",
    },
    "slurm-rounds": { type: "string", default: "20" },
    rounds: { type: "string", default: "30" },
    "slow-rounds": { type: "string", default: "10" },
    idle: { type: "string", default: "60" },
    soak: { type: "string", default: "100000" },
  },
});
const only = new Set(opt.only.split(",").map((s) => s.trim()));
const rounds = Number(opt.rounds);
const slow = Number(opt["slow-rounds"]);

function cannot(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}
if (!existsSync(CLI) || !existsSync(JLLOCAL))
  cannot(`${CLI} or ${JLLOCAL} not found; run \`npm run build\` (or \`make bench\`) first`);
if (spawnSync("jupyter", ["server", "--version"], { stdio: "ignore" }).status !== 0)
  cannot("no `jupyter server` on PATH; `make test` installs Debian's jupyter-server");

const sb = makeSandbox();
const onSignal = (sig) => {
  sb.cleanup();
  process.stderr.write(`bench: interrupted (${sig}); cleaned up\n`);
  process.exit(130);
};
process.on("SIGINT", onSignal).on("SIGTERM", onSignal).on("SIGHUP", onSignal);

const plan = [
  ["1", `status speed (${rounds} rounds)`, () => statusSpeed(sb, rounds)],
  ["2", "files touched by status", () => filesTouched(sb)],
  ["3", `cold start (${slow} pairs)`, () => coldStart(sb, slow)],
  ["4", `recovery after SIGKILL (${slow} pairs)`, () => recovery(sb, slow)],
  ["5", `stop with an idle kernel (${slow} pairs)`, () => stopWithKernel(sb, slow)],
  ["6", `idle footprint (${opt.idle} s)`, () => idleFootprint(sb, Number(opt.idle))],
  ["7", `jllocal warm (${slow} rounds)`, () => laptopWarm(sb, slow)],
  ["8", `jllocal cold (${Math.ceil(slow / 2)} pairs)`, () => laptopCold(sb, Math.ceil(slow / 2))],
  [
    "9",
    `supervisor soak (${Number(opt.soak).toLocaleString("en")} loop turns)`,
    async () => [...(await supervisorSoak(sb, Number(opt.soak))), ...(await hereSoak(sb, Number(opt.soak)))],
  ],
  [
    "10",
    `start on a compute node through Slurm (${opt["slurm-rounds"]} pairs)`,
    () => slurmStart(sb, Number(opt["slurm-rounds"])),
  ],
  ["11", `kernel survival after SIGKILL (${slow} pairs)`, () => adoptionRecovery(sb, slow)],
  ["12", `JupyterLab page load with jlremote's extension (${slow} pairs)`, () => labPageLoad(sb, slow)],
  ["13", `jllocal's self-deploy (${Math.ceil(slow / 2)} pairs)`, () => selfDeploy(sb, Math.ceil(slow / 2))],
];
if (slurmBenchSkip() !== null && only.has("10"))
  process.stderr.write(`bench: figure 10 skipped: ${slurmBenchSkip()}\n`);
const rows = [];
const failures = [];
const began = Date.now();
try {
  for (const [id, what, fn] of plan) {
    if (!only.has(id) && !(id === "2" && only.has("1"))) continue;
    if (id === "10" && slurmBenchSkip() !== null) continue;
    if (id === "12" && labUiBenchSkip() !== null) {
      process.stderr.write(`bench: figure 12 skipped: ${labUiBenchSkip()}\n`);
      continue;
    }
    process.stderr.write(`bench: figure ${id}: ${what} …\n`);
    try {
      const got = await fn();
      rows.push(...got);
      // Each figure as it completes: a run cut short still shows what it measured.
      process.stderr.write(`${renderTable(got).split("\n").slice(2).join("\n")}\n`);
    } catch (err) {
      failures.push(`figure ${id}: ${err.message}`);
      process.stderr.write(`bench: figure ${id} could not be measured: ${err.message}\n`);
    }
  }
} finally {
  sb.cleanup();
}
const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? "?",
  loadavg: loadavg().map((l) => l.toFixed(2)),
};
const result = {
  date: new Date().toISOString(),
  seconds: Math.round((Date.now() - began) / 1000),
  machine,
  rounds,
  slowRounds: slow,
  figures: rows,
  failures,
};
writeFileSync(resolve(import.meta.dirname, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `${renderTable(rows)}\n\n${result.date.slice(0, 16)}Z, node ${process.version}, ${machine.cpus} × ${machine.cpu}, load ${machine.loadavg.join(" ")}, ${result.seconds} s\n`,
);
if (failures.length > 0) cannot(`not measured: ${failures.join("; ")}`);
