// Figure 7: `jlremote start --scheduler slurm` until it prints the URL vs `sbatch` of a bare Jupyter job polled by
// hand until /api/status is 200, on the test cluster of scripts/slurm-cluster.sh (root only; set up and torn down here).
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cli } from "../lib/jlremote.mjs";
import { now, sleep } from "../lib/proc.mjs";
import { expectOk, median, timed } from "../lib/timing.mjs";

const script = resolve(import.meta.dirname, "../../scripts/slurm-cluster.sh");

/** Why figure 7 cannot run here, or null. */
export function slurmBenchSkip() {
  return process.getuid?.() === 0 ? null : "needs root (the test cluster uses network namespaces)";
}

async function answers(host, port, token) {
  try {
    const r = await fetch(`http://${host}:${port}/api/status`, {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(1000),
    });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Wait until Slurm no longer runs the job (terminal or forgotten). */
async function ended(env, jobId) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    const r = spawnSync("scontrol", ["show", "job", "-o", jobId], { env, encoding: "utf8" });
    const st = /JobState=(\S+)/.exec(r.stdout ?? "")?.[1];
    if (r.status !== 0 || (st && !["PENDING", "CONFIGURING", "RUNNING", "COMPLETING"].includes(st))) return;
  }
  throw new Error(`job ${jobId} did not end within 60 s`);
}

/**
 * Wait until the wall clock is `phase` (0–1) into a second. The test cluster's slurmctld starts a pending job on its
 * next once-a-second tick, so a job waits up to 1 s for it depending on when in the second it was submitted: both sides
 * of a pair start at the same phase, stepped across the second over the rounds (else the bench's own rhythm locks
 * each side to one phase, and the figure measures that phase).
 */
async function atPhase(phase) {
  const wait = (Math.round(phase * 1000) - (Date.now() % 1000) + 1000) % 1000;
  await sleep(wait);
}

/** The figure: `rounds` interleaved pairs after one warm-up pair. */
export async function slurmStart(sb, rounds) {
  const dir = mkdtempSync(join(tmpdir(), "jlr-bench-slurm-"));
  const up = spawnSync(script, ["up", dir], { encoding: "utf8", timeout: 60_000 });
  if (up.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test cluster: ${up.stderr.trim()}`);
  }
  const vars = Object.fromEntries(
    readFileSync(join(dir, "cluster.env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2)),
  );
  const env = { ...sb.env, SLURM_CONF: vars.SLURM_CONF };
  const node = vars.NODE_ADDR;
  const a = [];
  const b = [];
  try {
    for (let i = 0; i < rounds + 1; i += 1) {
      const phase = (Math.max(i, 1) - 0.5) / rounds;
      await atPhase(phase);
      const s = expectOk(
        await timed(
          cli(
            "start",
            "--scheduler",
            "slurm",
            "--app",
            "server",
            "--name",
            "bench-slurm",
            "--root-dir",
            sb.rootDir,
            "--json",
          ),
          { env, cwd: sb.rootDir, timeoutMs: 120_000, track: sb.inflight },
        ),
        "jlremote start --scheduler slurm",
      );
      const st = JSON.parse(s.stdout);
      if (st.state !== "running" || !(await answers(node, st.port, st.token)))
        throw new Error(`start --scheduler slurm returned ${st.state} without a working URL`);
      expectOk(
        await timed(cli("stop", "--name", "bench-slurm"), { env, cwd: sb.rootDir, timeoutMs: 120_000 }),
        "jlremote stop",
      );
      await ended(env, st.jobId);
      // By hand: a batch job running Jupyter on the node's address; the token travels in the environment.
      const token = randomBytes(24).toString("hex");
      const port = 18000 + i;
      const job = join(dir, `byhand-${i}.sh`);
      writeFileSync(
        job,
        `#!/bin/sh\nexec jupyter server --no-browser --ip=${node} --port=${port} --port-retries=0 --allow-root\n`,
        { mode: 0o700 },
      );
      await atPhase(phase);
      const t0 = now();
      const sub = spawnSync("sbatch", ["--parsable", "--output=/dev/null", `--chdir=${sb.rootDir}`, job], {
        env: { ...env, JUPYTER_TOKEN: token },
        encoding: "utf8",
      });
      if (sub.status !== 0) throw new Error(`sbatch: ${sub.stderr.trim()}`);
      while (!(await answers(node, port, token))) {
        if (now() - t0 > 120_000) throw new Error("the by-hand job's Jupyter did not answer within 120 s");
        await sleep(20);
      }
      const byHand = now() - t0;
      spawnSync("scancel", [sub.stdout.trim()], { env });
      await ended(env, sub.stdout.trim());
      if (i > 0) {
        a.push(s.ms);
        b.push(byHand);
      }
    }
  } finally {
    spawnSync(script, ["down", dir], { timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  // Both jobs of a pair are submitted at the same point of the second, so each pair's ratio has the same wait for the
  // scheduler's tick on both sides; the figure is the median of those ratios. The ratio of the two medians compared
  // different pairs' waits (0-1 s each): 1.01-1.33x across runs of unchanged code, against 1.03-1.15x paired.
  const ratios = a.map((x, i) => x / b[i]);
  return [
    {
      id: "10",
      figure:
        "`start --scheduler slurm` until the URL vs `sbatch` of a bare Jupyter job polled until /api/status 200 (median of the pairs' ratios)",
      a: median(a),
      b: median(b),
      ratio: median(ratios),
      target: 1.15,
      n: rounds,
      samples: { start: a, sbatchByHand: b },
    },
  ];
}
