// `jlremote start --scheduler sge` end to end on a real Grid Engine cell: sge_qmaster as host sgemaster, sge_execd as
// sgenode in its own namespaces (scripts/sge-cell.sh); a `useradd -m` account submits. Root only; torn down after.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, httpStatus, killPid, sandbox, waitFor } from "../helpers/cli.js";
import { killLocalMasters, localMasters, runJllocal } from "../helpers/jllocal.js";
import { type Cell, cellSandbox, cellUp, recordedJobIds, sgeSkip } from "../helpers/sge.js";
import { type Sshd, startSshd } from "../helpers/sshd.js";

interface Status {
  state: string;
  url: string | null;
  token: string | null;
  backend: string;
  jobId: string;
  jobState: string | null;
  node: string | null;
  endsAt: string | null;
  walltimeWarningAt: string | null;
  endReason: string | null;
  reason: string | null;
  job?: { scheduler: string; id: string; node: string | null; endReason: string | null };
}

describe("sge backend on a real Grid Engine cell", { skip: sgeSkip, concurrency: 1 }, () => {
  let cell: Cell;
  before(() => {
    cell = cellUp();
  });
  after(() => {
    cell?.down();
  });

  const jlremote = (args: string[], env: Record<string, string>, timeoutMs = 180_000) =>
    cell.runAs([process.execPath, CLI, ...args], env, timeoutMs);
  const status = async (env: Record<string, string>): Promise<Status> =>
    JSON.parse((await jlremote(["status", "--json"], env)).stdout) as Status;
  const withSandbox = (body: (env: Record<string, string>) => Promise<void>) => async () => {
    const sb = cellSandbox(cell);
    try {
      await body(sb.env);
    } finally {
      const ids = recordedJobIds(join(sb.dir, "state", "jlremote"));
      if (ids.length > 0) cell.q("qdel", ids);
      await waitFor("the sandbox's jobs to leave qstat", () => ids.every((id) => !cell.listed(id)), 60_000).catch(
        () => {},
      );
    }
  };

  test(
    "start --app server runs Jupyter on the exec host; the URL needs the token; stop deletes the job and leaves nothing",
    { timeout: 300_000 },
    withSandbox(async (env) => {
      const r = await jlremote(["start", "--scheduler", "sge", "--app", "server"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /submitted Grid Engine job \d+/);
      assert.match(r.stderr, /job \d+: r on sgenode, Jupyter starting/);
      const s = await status(env);
      assert.equal(s.state, "running");
      assert.equal(s.backend, "sge");
      assert.equal(s.node, cell.nodeHost);
      assert.equal(s.job?.scheduler, "sge");
      assert.equal(s.job?.id, s.jobId);
      assert.equal(s.job?.node, cell.nodeHost);
      assert.ok(s.url?.startsWith(`http://${cell.nodeAddr}:`), s.url ?? "no url");
      assert.ok(cell.listed(s.jobId));
      // The submit host reaches the node's Jupyter: 200 with the token, 403 without.
      const api = new URL("/api/status", s.url as string).href;
      assert.equal(await httpStatus(api, { Authorization: `token ${s.token}` }), 200);
      assert.equal(await httpStatus(api), 403);
      const script = readFileSync(join(env.XDG_STATE_HOME as string, "jlremote", "default", "job.qsub"), "utf8");
      assert.ok(!script.includes(s.token as string), "no token in the job script");
      const list = await jlremote(["list"], env);
      assert.match(list.stdout, new RegExp(`default .*job ${s.jobId} r on sgenode`));
      const logs = await jlremote(["logs"], env);
      assert.equal(logs.code, 0, logs.stderr);
      // Restart: Grid Engine cannot signal the supervisor, so the job is deleted and submitted again.
      const re = await jlremote(["restart"], env);
      assert.equal(re.code, 0, re.stderr);
      const s2 = await status(env);
      assert.equal(s2.state, "running");
      assert.notEqual(s2.jobId, s.jobId);
      assert.equal(cell.listed(s.jobId), false, "the first job left qstat");
      const stop = await jlremote(["stop"], env);
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(cell.listed(s2.jobId), false, "the job left qstat");
      await waitFor(
        "nothing of the account left on the exec host",
        () => cell.accountPidsOnNode().length === 0,
        30_000,
      );
      const after = await status(env);
      assert.equal(after.state, "stopped");
      assert.equal(after.endReason, "stopped (jlremote stop)");
    }),
  );

  test(
    "a job with -l h_rt=0:0:40 gets the supervisor's warning first, then ends with reason time limit",
    { timeout: 300_000 },
    withSandbox(async (env) => {
      const r = await jlremote(
        ["start", "--scheduler", "sge", "--app", "server", "--qsub", "-l h_rt=0:0:40", "--time-warning", "20"],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const s = await status(env);
      assert.ok(s.endsAt, "endsAt from h_rt and the start time");
      const end = await waitFor(
        "the job to end",
        async () => {
          const x = await status(env);
          return (x.state === "stopped" || x.state === "failed") && x.endReason ? x : null;
        },
        150_000,
        2000,
      );
      assert.equal(end.endReason, "time limit", JSON.stringify(end));
      assert.ok(end.walltimeWarningAt, "the warning was recorded");
      assert.ok(Date.parse(end.walltimeWarningAt as string) < Date.parse(end.endsAt as string) - 10_000);
      assert.equal(cell.listed(s.jobId), false);
    }),
  );

  test(
    "--idle-timeout: Jupyter's idle shutdown ends the job, which leaves qstat (the slot is released)",
    { timeout: 300_000 },
    withSandbox(async (env) => {
      const r = await jlremote(["start", "--scheduler", "sge", "--app", "server", "--idle-timeout", "0.05"], env);
      assert.equal(r.code, 0, r.stderr);
      const s = await status(env);
      // jupyter_server checks for inactivity once a minute.
      const ended = await waitFor(
        "the idle end",
        async () => {
          const x = await status(env);
          return x.endReason ? x : null;
        },
        150_000,
        2000,
      );
      assert.match(ended.endReason ?? "", /^idle: Jupyter shut down after 0\.05 min without activity/);
      assert.equal(ended.state, "stopped");
      await waitFor("the job to leave qstat", () => !cell.listed(s.jobId), 60_000, 500);
      await waitFor(
        "nothing of the account left on the exec host",
        () => cell.accountPidsOnNode().length === 0,
        30_000,
      );
    }),
  );

  test(
    "an external qdel is reported as deleted",
    { timeout: 300_000 },
    withSandbox(async (env) => {
      const r = await jlremote(["start", "--scheduler", "sge", "--app", "server"], env);
      assert.equal(r.code, 0, r.stderr);
      const s = await status(env);
      assert.equal(cell.q("qdel", [s.jobId]).code, 0);
      const end = await waitFor(
        "the deletion to show",
        async () => {
          const x = await status(env);
          return x.endReason ? x : null;
        },
        90_000,
        1000,
      );
      assert.equal(end.endReason, "deleted (qdel)", JSON.stringify(end));
      assert.equal(end.state, "stopped");
    }),
  );

  test(
    "Ctrl-C while the job waits in a full queue deletes it",
    { timeout: 300_000 },
    withSandbox(async (env) => {
      // Both slots of the queue taken by the account's own jobs.
      const fillers = [0, 1].map(() =>
        cell.q("qsub", ["-terse", "-b", "y", "-o", "/dev/null", "-j", "y", "sleep", "600"]).stdout.trim(),
      );
      try {
        await waitFor(
          "the queue to be full",
          () =>
            cell
              .q("qstat", [])
              .stdout.split("\n")
              .filter((l) => / r /.test(l)).length >= 2,
          60_000,
        );
        const child = cell.spawnAs([process.execPath, CLI, "start", "--scheduler", "sge", "--app", "server"], env);
        let stderr = "";
        child.stderr?.on("data", (d) => {
          stderr += d;
        });
        const code = new Promise<number | null>((res) => child.on("close", res));
        try {
          await waitFor("the job to wait in the queue", () => /job \d+: qw/.test(stderr), 60_000);
          child.kill("SIGINT");
          assert.equal(await code, 130, stderr);
        } finally {
          killPid(child.pid);
        }
        const id = /submitted Grid Engine job (\d+)/.exec(stderr)?.[1] as string;
        assert.match(stderr, new RegExp(`interrupted: deleted job ${id} while it was queued`));
        assert.equal(cell.listed(id), false);
        const s = await status(env);
        assert.equal(s.state, "stopped");
        assert.match(s.endReason ?? "", /deleted while queued/);
      } finally {
        cell.q("qdel", fillers);
      }
    }),
  );

  test("jllocal --scheduler sge: one ssh login for the submission, the wait and the tunnel; kill --cancel ends the job", {
    timeout: 300_000,
  }, async () => {
    const login = await submitHostSshd(cell);
    const laptop = sandbox();
    const localEnv = laptop.env;
    const localRoot = join(laptop.env.XDG_STATE_HOME as string, "jlremote", "local");
    try {
      const r = await runJllocal(
        [
          login.alias,
          "--ssh-config",
          login.sshConfig,
          "--no-browser",
          "--json",
          "--scheduler",
          "sge",
          "--qsub",
          "-l h_rt=0:10:0",
        ],
        localEnv,
        240_000,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(login.logins(), 1, "one authentication");
      const info = JSON.parse(r.stdout.trim()) as { url: string; target: { host?: string } };
      assert.equal(info.target.host, cell.nodeAddr, "forwarded through the submit host to the exec host");
      assert.equal(await httpStatus(info.url), 200);
      // --qsub reached the job: its h_rt is the time left jllocal warns about.
      assert.match(r.stderr, /warning: job \d+ on sgenode reaches its time limit in (9|10) min/);
      const ids = recordedJobIds(join(login.remoteState, "jlremote"));
      assert.equal(ids.length, 1);
      const kill = await runJllocal(
        ["kill", "--cancel", login.alias, "--ssh-config", login.sshConfig],
        localEnv,
        120_000,
      );
      assert.equal(kill.code, 0, kill.stderr);
      assert.equal(cell.listed(ids[0] as string), false);
      assert.deepEqual(localMasters(localRoot, login.sshConfig), []);
    } finally {
      await killLocalMasters(localRoot, login.sshConfig).catch(() => {});
      const ids = recordedJobIds(join(login.remoteState, "jlremote"));
      if (ids.length > 0) cell.q("qdel", ids);
      await login.stop();
      await laptop.cleanup();
    }
  });
});

/** sshd on the submit host (the master's UTS and mount namespaces) for the account, with a jlremote launcher. */
async function submitHostSshd(cell: Cell): Promise<Sshd & { remoteState: string }> {
  // sshd without PAM refuses a locked account (useradd's `!`).
  spawnSync("usermod", ["-p", "*", cell.user]);
  const remote = cellSandbox(cell);
  const bin = join(cell.home, ".local", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "jlremote"), `#!/bin/sh\ncd "$HOME" || exit 1\nexec ${process.execPath} ${CLI} "$@"\n`);
  chmodSync(join(bin, "jlremote"), 0o755);
  for (const p of [join(cell.home, ".local"), bin, join(bin, "jlremote")]) chownSync(p, cell.uid, cell.gid);
  const v = Object.fromEntries(
    readFileSync(join(cell.dir, "cell.env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const wrap = ["nsenter", `--uts=${v.MASTER_UTS}`, `--mount=${v.MASTER_MNT}`, "--"];
  const sshd = await startSshd(cell.dir, { ...remote.env, PATH: `${cell.env.PATH}` }, cell.user, wrap);
  return { ...sshd, remoteState: join(remote.dir, "state") };
}
