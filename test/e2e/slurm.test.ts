// `jlremote start --scheduler slurm` end to end on a real test cluster: slurmctld here, slurmd as node1 in its own
// network and UTS namespace (scripts/slurm-cluster.sh). Root only; the whole cluster is torn down after the file.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  E2E_TIMEOUT_MS,
  CLI,
  descendantsOf,
  httpStatus,
  killPid,
  processesWithEnv,
  runCli,
  sandbox,
  startTime,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import { debian, flavourArgs, flavours } from "../helpers/flavours.js";
import { cancelRecordedJobs, clusterUp, kernelHostname, kernelRun, slurmSkip, type Cluster } from "../helpers/slurm.js";
import { JLLOCAL, localMasters, processesMentioning, runJllocal, startJllocalWorld } from "../helpers/jllocal.js";

interface Status {
  state: string;
  url: string | null;
  token: string | null;
  port: number | null;
  jupyterPid: number | null;
  supervisorPid: number | null;
  backend: string;
  jobId: string;
  jobState: string | null;
  jobReason: string | null;
  node: string | null;
  endsAt: string | null;
  secondsLeft: number | null;
  walltimeWarningAt: string | null;
  endReason: string | null;
  reason: string | null;
  expectedStartAt?: string | null;
}

describe("slurm backend on a real test cluster", { skip: slurmSkip, concurrency: 2 }, () => {
  let cluster: Cluster;
  before(() => {
    cluster = clusterUp();
  });
  after(() => {
    cluster?.down();
  });

  const env = (sb: Sandbox) => ({ ...sb.env, ...cluster.env });
  const status = async (sb: Sandbox, name = "default"): Promise<Status> => {
    const r = await runCli(["status", "--json", "--name", name], env(sb));
    return JSON.parse(r.stdout) as Status;
  };
  /** What Slurm, jlremote, the job's output and the daemons' logs said, so a CI failure says where a job stuck. */
  const whereItStuck = async (sb: Sandbox, jobId: string): Promise<string> => {
    const tail = (file: string, lines: number) => {
      try {
        return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
      } catch (e) {
        return `(${(e as Error).message})`;
      }
    };
    return [
      `job: ${cluster.slurm("scontrol", ["show", "job", "-o", jobId]).stdout.trim()}`,
      `status: ${JSON.stringify(await status(sb))}`,
      `job.out: ${tail(join(sb.stateDir(), "job.out"), 40)}`,
      ...["slurmctld.log", "slurmd.log"].map((f) => `${f}: ${tail(join(cluster.dir, "log", f), 25)}`),
    ].join("\n");
  };
  const withSandbox = (body: (sb: Sandbox) => Promise<void>) => async () => {
    const sb = sandbox();
    try {
      await body(sb);
    } finally {
      await cancelRecordedJobs(cluster, join(sb.env.XDG_STATE_HOME as string, "jlremote"));
      await sb.cleanup();
    }
  };

  test(
    "a short --time job gets the walltime warning first, then ends with reason time limit",
    { timeout: 180_000 },
    withSandbox(async (sb) => {
      const r = await runCli(
        ["start", "--scheduler", "slurm", ...flavourArgs(debian), "--sbatch", "--time=1", "--time-warning", "45"],
        env(sb),
        { timeoutMs: 60_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      const running = await status(sb);
      assert.ok(running.endsAt && running.secondsLeft !== null && running.secondsLeft <= 60, JSON.stringify(running));
      const warned = await waitFor(
        "the walltime warning",
        async () => {
          const s = await status(sb);
          return s.walltimeWarningAt ? s : null;
        },
        60_000,
        1000,
      );
      assert.equal(warned.state, "running", "the warning comes while Jupyter still runs");
      const ended = await waitFor(
        "the time-limit end",
        async () => {
          const s = await status(sb);
          return s.endReason ? s : null;
        },
        120_000,
        1000,
      );
      assert.equal(ended.jobState, "TIMEOUT");
      assert.equal(ended.endReason, "time limit");
      assert.ok(Date.parse(warned.walltimeWarningAt as string) < Date.now());
      await waitFor("no process of the job left", () => cluster.jobPids(ended.jobId).length === 0, 30_000, 200);
      const logs = await runCli(["logs"], env(sb));
      assert.match(logs.stdout, /==> job: .*job\.out <==/);
      assert.match(logs.stdout, /DUE TO TIME LIMIT/);
    }),
  );

  test(
    "--idle-timeout: Jupyter's own idle shutdown ends the job (its allocation is given back), reason idle",
    { timeout: E2E_TIMEOUT_MS },
    withSandbox(async (sb) => {
      const r = await runCli(
        ["start", "--scheduler", "slurm", ...flavourArgs(debian), "--idle-timeout", "0.05"],
        env(sb),
        { timeoutMs: 60_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      const s = await status(sb);
      assert.match(
        readFileSync(join(sb.stateDir(), "jupyter-config.py"), "utf8"),
        /shutdown_no_activity_timeout\\?"?: ?3/,
      );
      // jupyter_server checks for inactivity once a minute.
      const ended = await waitFor(
        "the idle end",
        async () => {
          const x = await status(sb);
          return x.endReason ? x : null;
        },
        100_000,
        1000,
      );
      assert.equal(ended.jobState, "COMPLETED");
      assert.match(ended.endReason ?? "", /^idle: Jupyter shut down after 0\.05 min without activity/);
      assert.equal(ended.state, "stopped");
      await waitFor("no process of the job left", () => cluster.jobPids(s.jobId).length === 0, 30_000, 200);
    }),
  );

  describe("lifecycle", () => {
    for (const f of flavours) {
      test(
        `[${f.id}] start shows PENDING then RUNNING on node1; the URL answers from the login side with the token, 403 without; a kernel's hostname is node1`,
        { skip: f.skip, timeout: 240_000 },
        withSandbox(async (sb) => {
          const r = await runCli(
            ["start", "--scheduler", "slurm", ...flavourArgs(f), "--sbatch", "--begin=now+2", "--timeout", "180"],
            env(sb),
            { timeoutMs: 220_000 },
          );
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stderr, /submitted batch job \d+/);
          assert.match(r.stderr, /job \d+: PENDING \(BeginTime\)/);
          assert.match(r.stderr, /job \d+: RUNNING on node1/);
          const url = r.stdout.trim();
          assert.ok(url.startsWith(`http://${cluster.nodeAddr}:`), url);
          const s = await status(sb);
          assert.equal(s.backend, "slurm");
          assert.equal(s.jobState, "RUNNING");
          assert.equal(s.node, "node1");
          assert.equal(s.url, url);
          const api = `http://${cluster.nodeAddr}:${s.port}/api/status`;
          assert.equal(await httpStatus(api, { Authorization: `token ${s.token}` }), 200);
          assert.equal(await httpStatus(api), 403);
          const k = await fetch(`http://${cluster.nodeAddr}:${s.port}/api/kernels`, {
            method: "POST",
            headers: { Authorization: `token ${s.token}` },
            body: JSON.stringify({ name: "python3" }),
          });
          const kernel = (await k.json()) as { id: string };
          const file = join(sb.env.JUPYTER_RUNTIME_DIR as string, `kernel-${kernel.id}.json`);
          await waitFor("the kernel's connection file", () => existsSync(file), 20_000);
          assert.equal(kernelHostname(cluster, file), "node1");
        }),
      );
    }

    test(
      "Jupyter SIGKILLed on node1 comes back on node1 with the same URL; a SIGKILLed supervisor is run again and adopts it",
      { timeout: E2E_TIMEOUT_MS },
      withSandbox(async (sb) => {
        // A user's NODE_EXTRA_CA_CERTS reaches Jupyter, not the supervisor's node start (parked for it). The system
        // bundle where there is one (any file does: node only warns about one it cannot load).
        const system = "/etc/ssl/certs/ca-certificates.crt";
        const ca = existsSync(system) ? system : join(sb.dir, "extra-ca.pem");
        if (ca !== system) writeFileSync(ca, "");
        const r = await runCli(
          ["start", "--scheduler", "slurm", ...flavourArgs(debian)],
          { ...env(sb), NODE_EXTRA_CA_CERTS: ca },
          { timeoutMs: 60_000 },
        );
        assert.equal(r.code, 0, r.stderr);
        const before = await status(sb);
        process.kill(before.jupyterPid as number, "SIGKILL");
        const back = await waitFor(
          "a new Jupyter",
          async () => {
            const s = await status(sb);
            return s.state === "running" && s.jupyterPid !== before.jupyterPid ? s : null;
          },
          30_000,
          200,
        );
        assert.equal(back.url, before.url);
        assert.equal(back.node, "node1");
        assert.equal(
          await httpStatus(`http://${cluster.nodeAddr}:${back.port}/api/status`, {
            Authorization: `token ${back.token}`,
          }),
          200,
        );
        process.kill(back.supervisorPid as number, "SIGKILL");
        const adopted = await waitFor(
          "a new supervisor",
          async () => {
            const s = await status(sb);
            return s.state === "running" && s.supervisorPid !== back.supervisorPid ? s : null;
          },
          30_000,
          200,
        );
        assert.equal(adopted.jupyterPid, back.jupyterPid, "the same Jupyter, adopted (its kernels untouched)");
        assert.equal(adopted.jobId, before.jobId);
        const restart = await runCli(["restart"], env(sb), { timeoutMs: 60_000 });
        assert.equal(restart.code, 0, restart.stderr);
        assert.equal(restart.stdout.trim(), before.url, "restart (USR2 through the batch shell) keeps the URL");
        const restarted = await status(sb);
        assert.notEqual(restarted.jupyterPid, adopted.jupyterPid);
        assert.equal(restarted.jobId, before.jobId);
        const environ = (pid: number | null) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        const supervisor = environ(restarted.supervisorPid);
        assert.ok(supervisor.includes(`JLREMOTE_PARKED_NODE_EXTRA_CA_CERTS=${ca}`), "parked for the supervisor");
        assert.ok(!supervisor.some((v) => v.startsWith("NODE_EXTRA_CA_CERTS=")));
        const jupyter = environ(restarted.jupyterPid);
        assert.ok(jupyter.includes(`NODE_EXTRA_CA_CERTS=${ca}`), "put back for Jupyter");
        assert.ok(!jupyter.some((v) => v.startsWith("JLREMOTE_PARKED_")));
      }),
    );

    test(
      "a start whose scheduler is remembered lets the warm process it spawned go at once, not after the queue wait",
      { timeout: E2E_TIMEOUT_MS },
      withSandbox(async (sb) => {
        // Remembered: Slurm, and a job that is held in the queue for 20 s.
        const first = await runCli(
          ["start", "--scheduler", "slurm", ...flavourArgs(debian), "--sbatch", "--begin=now+20", "--no-wait"],
          env(sb),
          { timeoutMs: 60_000 },
        );
        assert.equal(first.code, 0, first.stderr);
        assert.equal((await runCli(["stop"], env(sb), { timeoutMs: 60_000 })).code, 0);
        // `start` alone: cli.ts cannot know the scheduler, so it spawns a warm process; the Slurm backend lets it go.
        // Each one seen under this start is remembered by PID and start time: only those are killed if left.
        const seen = new Map<number, string | null>();
        const warm = () => {
          const under = new Set(descendantsOf(again.pid as number));
          const found = processesWithEnv(`HOME=${sb.dir}`, /jlremote\.cjs run --warm/);
          for (const pid of found) if (under.has(pid) && !seen.has(pid)) seen.set(pid, startTime(pid));
          return found;
        };
        const again = spawn(process.execPath, [CLI, "start"], { env: env(sb), stdio: ["ignore", "ignore", "pipe"] });
        const ended = new Promise((res) => again.once("exit", res));
        let stderr = "";
        again.stderr.on("data", (d) => {
          stderr += d;
        });
        try {
          await waitFor("the job submitted", () => /submitted batch job/.test(stderr), 30_000);
          await waitFor(
            "the warm process to exit while start waits for the queued job",
            () => warm().length === 0,
            5000,
          );
          assert.equal(again.exitCode, null, "start still waits for the queued job");
        } finally {
          again.kill("SIGINT"); // cancels the queued job
          await ended;
          for (const [pid, started] of seen) if (started !== null && startTime(pid) === started) killPid(pid);
        }
      }),
    );

    test(
      "stop ends the job: Jupyter's clean shutdown, a terminal job state, no process of it left on node1",
      { timeout: E2E_TIMEOUT_MS },
      withSandbox(async (sb) => {
        const r = await runCli(["start", "--scheduler", "slurm", ...flavourArgs(debian)], env(sb), {
          timeoutMs: 60_000,
        });
        assert.equal(r.code, 0, r.stderr);
        const s = await status(sb);
        assert.ok(cluster.jobPids(s.jobId).length >= 2, "supervisor and Jupyter run in the job");
        const stop = await runCli(["stop"], env(sb), { timeoutMs: 90_000 });
        assert.equal(stop.code, 0, stop.stderr);
        assert.match(stop.stderr, new RegExp(`stopped 'default' \\(job ${s.jobId} COMPLETED\\)`));
        assert.equal(cluster.jobState(s.jobId), "COMPLETED");
        assert.deepEqual(cluster.jobPids(s.jobId), []);
        assert.match(readFileSync(join(sb.stateDir(), "supervisor.log"), "utf8"), /"stopped"/);
        const after = await status(sb);
        assert.equal(after.state, "stopped");
        assert.equal(after.endReason, "stopped (jlremote stop)");
      }),
    );

    test(
      "a --profile picks Slurm and its sbatch options (config.json); an external scancel is reported with its reason",
      { timeout: E2E_TIMEOUT_MS },
      withSandbox(async (sb) => {
        const dir = join(sb.env.XDG_CONFIG_HOME as string, "jlremote");
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, "config.json"),
          JSON.stringify({ profiles: { short: { scheduler: "slurm", sbatch: "--time=7", timeWarning: 30 } } }),
        );
        const r = await runCli(["start", "--profile", "short", ...flavourArgs(debian)], env(sb), { timeoutMs: 60_000 });
        assert.equal(r.code, 0, r.stderr);
        const s = await waitFor(
          "the job's time limit known",
          async () => {
            const x = await status(sb);
            return x.secondsLeft !== null ? x : null;
          },
          30_000,
          300,
        );
        assert.equal(s.backend, "slurm");
        assert.ok(
          s.secondsLeft !== null && s.secondsLeft <= 7 * 60 && s.secondsLeft > 5 * 60,
          `time left ${s.secondsLeft}: the profile's --time=7`,
        );
        assert.equal(cluster.slurm("scancel", [s.jobId]).code, 0);
        const ended = await waitFor(
          "the cancelled end",
          async () => {
            const x = await status(sb);
            return x.endReason ? x : null;
          },
          60_000,
          500,
        );
        assert.equal(ended.jobState, "CANCELLED");
        assert.equal(ended.endReason, "cancelled (scancel)");
        assert.equal(ended.url, null);
        await waitFor("no process of the job left", () => cluster.jobPids(s.jobId).length === 0, 30_000, 200);
      }),
    );

    test(
      "with --requeue a requeued job comes back with the same token, and status follows it meanwhile",
      { timeout: 150_000 },
      withSandbox(async (sb) => {
        const r = await runCli(["start", "--scheduler", "slurm", ...flavourArgs(debian), "--requeue"], env(sb), {
          timeoutMs: 60_000,
        });
        assert.equal(r.code, 0, r.stderr);
        const first = await status(sb);
        assert.equal(cluster.slurm("scontrol", ["requeue", first.jobId]).code, 0);
        const queued = await waitFor(
          "the requeued job to be seen as pending",
          async () => {
            const s = await status(sb);
            return s.state === "pending" ? s : null;
          },
          60_000,
          300,
        ).catch(async (err: Error) => {
          throw new Error(`${err.message}\n${await whereItStuck(sb, first.jobId)}`);
        });
        assert.match(queued.reason ?? "", /requeued/);
        // Slurm holds a requeued job for the credential lifetime (cred_expire: 60 s in the test cluster, 120 s by
        // default; long enough for the pending state above to be seen): slurmd refuses an earlier launch (the job
        // FAILED at once, with no output, when this test forced StartTime=now). So it only waits.
        const back = await waitFor(
          "the job running again",
          async () => {
            const s = await status(sb);
            return s.state === "running" && s.supervisorPid !== first.supervisorPid ? s : null;
          },
          120_000,
          500,
        ).catch(async (err: Error) => {
          throw new Error(`${err.message}\n${await whereItStuck(sb, first.jobId)}`);
        });
        assert.equal(back.jobId, first.jobId);
        assert.equal(back.token, first.token, "same token after the requeue");
        assert.equal(
          await httpStatus(`http://${cluster.nodeAddr}:${back.port}/api/status`, {
            Authorization: `token ${back.token}`,
          }),
          200,
        );
      }),
    );

    test(
      "a job over its memory limit (a kernel allocating past --mem) ends with reason out of memory",
      { timeout: 120_000 },
      withSandbox(async (sb) => {
        const r = await runCli(
          ["start", "--scheduler", "slurm", ...flavourArgs(debian), "--sbatch", "--mem=400M"],
          env(sb),
          { timeoutMs: 60_000 },
        );
        assert.equal(r.code, 0, r.stderr);
        const s = await status(sb);
        const k = await fetch(`http://${cluster.nodeAddr}:${s.port}/api/kernels`, {
          method: "POST",
          headers: { Authorization: `token ${s.token}` },
          body: JSON.stringify({ name: "python3" }),
        });
        const file = join(
          sb.env.JUPYTER_RUNTIME_DIR as string,
          `kernel-${((await k.json()) as { id: string }).id}.json`,
        );
        await waitFor("the kernel's connection file", () => existsSync(file), 20_000);
        // Written bytes (not a lazily zeroed buffer), so the resident size really grows past the limit.
        kernelRun(cluster, file, "import time\nblob = b'x' * (700 * 1024 * 1024)\ntime.sleep(20)", 40_000);
        const ended = await waitFor(
          "the over-memory end",
          async () => {
            const x = await status(sb);
            return x.endReason ? x : null;
          },
          60_000,
          500,
        );
        assert.equal(ended.state, "failed");
        assert.equal(ended.endReason, "out of memory (the job exceeded its memory limit)");
        await waitFor("no process of the job left", () => cluster.jobPids(s.jobId).length === 0, 30_000, 200);
      }),
    );

    test(
      "a queued job shows PENDING with its reason; SIGINT to start cancels it",
      { timeout: 60_000 },
      withSandbox(async (sb) => {
        const child = spawn(
          process.execPath,
          [CLI, "start", "--scheduler", "slurm", ...flavourArgs(debian), "--sbatch", "-p held"],
          { env: env(sb), cwd: sb.dir, stdio: ["ignore", "pipe", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        const exited = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
        try {
          await waitFor("PENDING with its reason", () => /job \d+: PENDING \(PartitionDown\)/.test(stderr), 30_000);
          const pending = await status(sb);
          assert.equal(pending.state, "pending");
          assert.equal(pending.jobReason, "PartitionDown");
          child.kill("SIGINT");
          assert.equal(await exited, 130, stderr);
        } finally {
          child.kill("SIGKILL");
        }
        assert.match(stderr, /interrupted: cancelled job (\d+) while it was queued/);
        const jobId = /cancelled job (\d+)/.exec(stderr)?.[1] as string;
        assert.equal(cluster.jobState(jobId), "CANCELLED");
        const s = await status(sb);
        assert.equal(s.state, "stopped");
        assert.match(s.endReason ?? "", /cancelled while queued/);
      }),
    );

    test(
      "--no-wait returns once submitted; status follows the job from PENDING to running",
      { timeout: 90_000 },
      withSandbox(async (sb) => {
        const r = await runCli(
          ["start", "--scheduler", "slurm", ...flavourArgs(debian), "--no-wait", "--sbatch", "--begin=now+3"],
          env(sb),
          { timeoutMs: 30_000 },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "");
        const queued = await status(sb);
        assert.equal(queued.state, "pending");
        assert.equal(queued.jobState, "PENDING");
        assert.equal(queued.jobReason, "BeginTime");
        // Slurm's StartTime of a job held by --begin is its begin time: the estimate, a few seconds ahead.
        const eta = Date.parse(queued.expectedStartAt ?? "") - Date.now();
        assert.ok(eta > -30_000 && eta < 10_000, `expectedStartAt ${queued.expectedStartAt}`);
        const running = await waitFor(
          "the job to run",
          async () => {
            const s = await status(sb);
            return s.state === "running" ? s : null;
          },
          60_000,
          500,
        );
        assert.equal(running.node, "node1");
        assert.equal(
          await httpStatus(`http://${cluster.nodeAddr}:${running.port}/api/status`, {
            Authorization: `token ${running.token}`,
          }),
          200,
        );
      }),
    );
  });

  /** A login node for jllocal: the remote account behind a loopback sshd, with this cluster's SLURM_CONF. */
  const loginNode = async () => {
    const w = await startJllocalWorld(undefined, { SLURM_CONF: cluster.env.SLURM_CONF as string });
    const remoteEnv = { ...w.sb.env, HOME: w.home, XDG_STATE_HOME: w.remoteState, ...cluster.env };
    const end = async () => {
      await cancelRecordedJobs(cluster, join(w.remoteState, "jlremote"));
      await w.end();
    };
    return { sb: w.sb, sshd: w.sshd, localRoot: w.localRoot, remoteEnv, end };
  };

  test("jllocal HOST --scheduler slurm: Ctrl-C while the job is queued cancels it on the login node; no ssh of ours is left", {
    timeout: 120_000,
  }, async () => {
    const { sb, sshd, localRoot, remoteEnv, end } = await loginNode();
    try {
      const child = spawn(
        process.execPath,
        [
          JLLOCAL,
          "jlr-test",
          "--ssh-config",
          sshd.sshConfig,
          "--no-browser",
          "--scheduler",
          "slurm",
          "--sbatch",
          "-p held",
        ],
        { env: sb.env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
      try {
        await waitFor(
          "PENDING relayed",
          () => /jllocal: jlr-test: job \d+: PENDING \(PartitionDown\)/.test(stderr),
          60_000,
        );
        // Only jllocal gets the signal (a terminal's Ctrl-C would reach its ssh too): the remote side still sees the end.
        child.kill("SIGINT");
        await exited;
      } finally {
        child.kill("SIGKILL");
      }
      const jobId = /job (\d+): PENDING/.exec(stderr)?.[1] as string;
      await waitFor("the queued job cancelled", () => cluster.jobState(jobId) === "CANCELLED", 30_000, 200);
      const s = JSON.parse((await runCli(["status", "--json"], remoteEnv)).stdout) as Status;
      assert.equal(s.state, "stopped");
      assert.match(s.endReason ?? "", /cancelled while queued/);
      // The ssh that ran the remote start ended with it; only the master connection (kept for the next jllocal) is left.
      await waitFor(
        "only the master left",
        () => {
          const masters = localMasters(localRoot, sshd.sshConfig);
          return processesMentioning(sshd.sshConfig).every((p) => masters.includes(p));
        },
        15_000,
      );
    } finally {
      await end();
    }
  });

  test("jllocal HOST --scheduler slurm: one ssh login for the queue wait and the tunnel (local → login → node1); kill --cancel ends the job", {
    timeout: 150_000,
  }, async () => {
    const { sb, sshd, localRoot, remoteEnv, end } = await loginNode();
    try {
      const r = await runJllocal(
        [
          "jlr-test",
          "--ssh-config",
          sshd.sshConfig,
          "--no-browser",
          "--json",
          "--scheduler",
          "slurm",
          "--sbatch",
          "--begin=now+2 --time=10",
        ],
        sb.env,
        120_000,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /jllocal: jlr-test: job \d+: PENDING \(BeginTime\)/);
      assert.equal(sshd.logins(), 1, "one authentication for the queue wait, the status and the tunnel");
      assert.match(r.stderr, /jllocal: warning: job \d+ on node1 reaches its time limit in (9|10) min/);
      const tunnels = JSON.parse((await runJllocal(["status", "--json"], sb.env)).stdout) as {
        secondsLeft?: number;
        healthy: boolean;
      }[];
      assert.equal(tunnels[0]?.healthy, true);
      assert.ok((tunnels[0]?.secondsLeft ?? 0) > 400 && (tunnels[0]?.secondsLeft ?? 0) <= 600, JSON.stringify(tunnels));
      const info = JSON.parse(r.stdout.trim()) as { url: string; target: { port: number; host?: string } };
      assert.equal(info.target.host, cluster.nodeAddr, "forwarded through the login node to node1");
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/tree\?token=/);
      assert.equal(await httpStatus(info.url), 200);
      const remote = JSON.parse((await runCli(["status", "--json"], remoteEnv)).stdout) as Status;
      assert.equal(remote.node, "node1");
      const kill = await runJllocal(["kill", "--cancel", "jlr-test", "--ssh-config", sshd.sshConfig], sb.env, 90_000);
      assert.equal(kill.code, 0, kill.stderr);
      assert.match(kill.stderr, new RegExp(`stopped 'default' \\(job ${remote.jobId} COMPLETED\\)`));
      assert.equal(cluster.jobState(remote.jobId), "COMPLETED");
      assert.deepEqual(cluster.jobPids(remote.jobId), []);
      assert.deepEqual(localMasters(localRoot, sshd.sshConfig), []);
    } finally {
      await end();
    }
  });
});
