// End-to-end: the built CLI against real Jupyters (Debian's and JupyterLab 4: the flavour matrix), a sandbox per test.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { describe, test } from "node:test";
import { flavourArgs, flavours, type Flavour } from "../helpers/flavours.js";
import {
  E2E_TIMEOUT_MS,
  CLI,
  alive,
  descendantsOf,
  freePort,
  httpStatus,
  runCli,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";

interface Status {
  state: string;
  url: string;
  token: string;
  port: number;
  supervisorPid: number;
  jupyterPid: number;
  restarts: number;
  lastExit?: { code: number | null; signal: string | null; reason?: string } | null;
  [k: string]: unknown;
}

async function started(
  t: { after: (fn: () => Promise<void>) => void },
  extra: string[] = [],
  app = "server",
  f: Flavour | null = null,
): Promise<{ sb: Sandbox; status: Status; port: number }> {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const r = await runCli(
    ["start", ...(f ? flavourArgs(f) : ["--app", app]), "--port", String(port), "--json", ...extra],
    sb.env,
  );
  assert.equal(r.code, 0, r.stderr);
  return { sb, status: JSON.parse(r.stdout) as Status, port };
}

async function statusOf(sb: Sandbox): Promise<Status> {
  const r = await runCli(["status", "--json"], sb.env);
  return JSON.parse(r.stdout) as Status;
}

for (const f of flavours) {
  describe(`lifecycle with ${f.id}`, { skip: f.skip }, () => {
    test("start prints a URL that answers 200 with the token and 403 without", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const { status, port } = await started(t, [], "", f);
      assert.equal(status.state, "running");
      assert.match(
        status.url,
        new RegExp(`^http://127\\.0\\.0\\.1:${port}${f.app === "lab" ? "/lab" : "/"}\\?token=[0-9a-f]{48}$`),
      );
      assert.equal(
        await httpStatus(`http://127.0.0.1:${port}/api/status`, { Authorization: `token ${status.token}` }),
        200,
      );
      assert.equal(await httpStatus(`http://127.0.0.1:${port}/api/status`), 403);
      assert.equal(await httpStatus(`http://127.0.0.1:${port}/api/status`, { Authorization: "token wrong" }), 403);
    });

    test("status --json prints one line with every documented field, and exits 0", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const { sb } = await started(t, [], "", f);
      const r = await runCli(["status", "--json"], sb.env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trim().split("\n").length, 1);
      const s = JSON.parse(r.stdout) as Status;
      for (const k of [
        "schema",
        "name",
        "state",
        "host",
        "supervisorPid",
        "jupyterPid",
        "port",
        "token",
        "url",
        "app",
        "startedAt",
        "restarts",
        "lastExit",
        "logFile",
        "version",
      ]) {
        assert.ok(k in s, `missing ${k}`);
      }
      assert.equal(s.schema, 1);
      assert.equal(s.app, f.app);
      assert.ok(alive(s.supervisorPid) && alive(s.jupyterPid));
      const url = await runCli(["url"], sb.env);
      assert.equal(url.stdout.trim(), s.url);
    });

    test("a second start prints the same URL and starts nothing", { timeout: E2E_TIMEOUT_MS }, async (t) => {
      const { sb, status } = await started(t, [], "", f);
      const again = await runCli(["start", ...flavourArgs(f), "--json"], sb.env);
      assert.equal(again.code, 0, again.stderr);
      const s2 = JSON.parse(again.stdout) as Status;
      assert.equal(s2.url, status.url);
      assert.equal(s2.supervisorPid, status.supervisorPid);
      assert.equal(s2.jupyterPid, status.jupyterPid);
    });

    test("concurrent starts give exactly one supervisor and one Jupyter, all printing the same URL", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const sb = sandbox();
      t.after(() => sb.cleanup());
      const port = await freePort();
      const runs = await Promise.all(
        [1, 2, 3, 4].map(() => runCli(["start", ...flavourArgs(f), "--port", String(port)], sb.env)),
      );
      for (const r of runs) assert.equal(r.code, 0, r.stderr);
      assert.equal(new Set(runs.map((r) => r.stdout.trim())).size, 1);
      const s = await statusOf(sb);
      // The supervisor's only Jupyter is the one recorded (the kernel keeper runs the venv's python: not counted).
      // A short-lived helper child may be gone between the listing and the read: it is no Jupyter.
      const jupyters = descendantsOf(s.supervisorPid).filter((p) => {
        let c = "";
        try {
          c = readFileSync(`/proc/${p}/cmdline`, "utf8");
        } catch {}
        return c.includes("jupyter") && !c.includes("jlremote_keeper");
      });
      assert.deepEqual(jupyters, [s.jupyterPid]);
      const supervisors = readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return (
              readFileSync(`/proc/${p}/environ`, "utf8").includes(`XDG_STATE_HOME=${sb.env.XDG_STATE_HOME}\0`) &&
              readFileSync(`/proc/${p}/cmdline`, "utf8").includes("\0run\0")
            );
          } catch {
            return false;
          }
        });
      assert.deepEqual(supervisors.map(Number), [s.supervisorPid]);
    });

    test("SIGKILL of Jupyter is followed by a restart on the same URL, counted in restarts", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const { sb, status } = await started(t, [], "", f);
      process.kill(status.jupyterPid, "SIGKILL");
      const after = await waitFor(
        "restarted Jupyter",
        async () => {
          const s = await statusOf(sb);
          return s.state === "running" && s.jupyterPid !== status.jupyterPid ? s : null;
        },
        60_000,
      );
      assert.equal(after.url, status.url);
      assert.ok(after.restarts >= 1);
      assert.equal((after.lastExit as { signal: string }).signal, "SIGKILL");
      assert.equal(await httpStatus(status.url), 200);
    });

    test("stop ends Jupyter, the supervisor and a kernel started through the API", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const { sb, status, port } = await started(t, [], "", f);
      const res = await fetch(`http://127.0.0.1:${port}/api/kernels`, {
        method: "POST",
        headers: { Authorization: `token ${status.token}` },
        body: JSON.stringify({ name: "python3" }),
      });
      assert.equal(res.status, 201);
      const kernels = await waitFor("kernel process", () => {
        const k = descendantsOf(status.jupyterPid).filter((p) =>
          readFileSync(`/proc/${p}/cmdline`, "utf8").includes("ipykernel"),
        );
        return k.length > 0 ? k : null;
      });
      t.after(() => {
        for (const k of kernels)
          try {
            process.kill(k, "SIGKILL");
          } catch {
            /* gone */
          }
      });
      const stop = await runCli(["stop"], sb.env);
      assert.equal(stop.code, 0, stop.stderr);
      for (const pid of [status.supervisorPid, status.jupyterPid, ...kernels])
        assert.equal(alive(pid), false, `pid ${pid} still alive`);
      const st = await runCli(["status", "--json"], sb.env);
      assert.equal(st.code, 3);
      const after = JSON.parse(st.stdout) as Status;
      assert.equal(after.state, "stopped");
      // Jupyter's own exit status, read from /proc as its main thread ended (io/leader-exit.ts), or from the keeper.
      assert.deepEqual(
        { code: after.lastExit?.code, signal: after.lastExit?.signal, reason: after.lastExit?.reason },
        { code: 0, signal: null, reason: "stop requested" },
      );
      const again = await runCli(["stop"], sb.env);
      assert.equal(again.code, 0);
      assert.match(again.stderr, /not running/);
    });

    test("the token is in no /proc/*/cmdline and no log; state dir is 0700 and files 0600", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const { sb, status } = await started(t, [], "", f);
      for (const p of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
        let cmd = "";
        try {
          cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
        } catch {
          continue;
        }
        assert.ok(!cmd.includes(status.token), `token in cmdline of ${p}`);
      }
      const dir = sb.stateDir();
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const f of readdirSync(dir)) {
        const st = statSync(`${dir}/${f}`);
        if (st.isFile()) assert.equal(st.mode & 0o777, 0o600, f);
        if (f.endsWith(".log")) assert.ok(!readFileSync(`${dir}/${f}`, "utf8").includes(status.token), `token in ${f}`);
      }
      const logs = await runCli(["logs"], sb.env);
      assert.match(logs.stdout, /jupyter ready/);
      assert.ok(!logs.stdout.includes(status.token));
    });
  });
}

test("the notebook app serves /tree with the token", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const { status } = await started(t, [], "notebook");
  assert.match(status.url, /\/tree\?token=/);
  assert.equal(await httpStatus(status.url), 200);
});

test("--jupyter /bin/false fails with a one-line error, a non-zero exit, and nothing left running", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await runCli(
    ["start", "--jupyter", "/bin/false", "--app", "server", "--port", String(await freePort())],
    sb.env,
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr.split("\n")[0] ?? "", /^jlremote: Jupyter did not start: Jupyter exited before it was ready/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const state = JSON.parse(readFileSync(`${sb.stateDir()}/state.json`, "utf8"));
  assert.equal(state.state, "failed");
  await waitFor("supervisor exit", () => !alive(state.supervisor.pid), 5000);
  const st = await runCli(["status"], sb.env);
  assert.equal(st.code, 3);
});

test("`start | cat` returns as soon as Jupyter is ready (no inherited stdout)", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const child = spawn("sh", ["-c", `"${process.execPath}" "${CLI}" start --app server --port ${port} | cat`], {
    env: sb.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((res) => {
    const timer = setTimeout(() => res(-1), 30_000);
    child.on("close", (c) => {
      clearTimeout(timer);
      res(c);
    });
  });
  assert.equal(code, 0);
  assert.match(out, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
});

test("bad input is a one-line usage error with exit 2 and starts nothing", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  for (const args of [
    ["start", "--port", "0"],
    ["start", "--port", "70000"],
    ["start", "--port", "abc"],
    ["start", "--root-dir", "/no/such/dir"],
    ["start", "--bogus"],
    ["frobnicate"],
  ]) {
    const r = await runCli(args, sb.env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^jlremote: /);
  }
  const st = await runCli(["status", "--json"], sb.env);
  assert.equal(st.code, 3);
  assert.equal(JSON.parse(st.stdout).state, "stopped");
});

test("an explicitly given busy port is a usage error", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const { sb, port } = await started(t);
  const r = await runCli(["start", "--name", "other", "--app", "server", "--port", String(port)], sb.env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /port \d+ is busy/);
});

test("status --json with JLREMOTE_OR_START (jllocal's cold path) starts a stopped instance in the same process, after the marker; the variable reaches neither the supervisor nor Jupyter", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const env = { ...sb.env, JLREMOTE_OR_START: JSON.stringify(["--app", "server", "--port", String(port)]) };
  const r = await runCli(["status", "--json", "--name", "os"], env);
  assert.equal(r.code, 0, r.stderr);
  const [before, marker, after, ...rest] = r.stdout.trim().split("\n");
  assert.equal(rest.length, 0, r.stdout);
  assert.notEqual((JSON.parse(before as string) as Status).state, "running");
  assert.equal(marker, "jllocal:starting");
  const s = JSON.parse(after as string) as Status;
  assert.equal(s.state, "running");
  assert.equal(s.port, port);
  for (const pid of [s.supervisorPid, s.jupyterPid])
    assert.ok(
      !readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .some((e) => e.startsWith("JLREMOTE_OR_START=")),
      `pid ${pid}`,
    );
  // Running: only reported, exit 0, nothing started.
  const again = await runCli(["status", "--json", "--name", "os"], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim().split("\n").length, 1);
  assert.equal((JSON.parse(again.stdout) as Status).supervisorPid, s.supervisorPid);
  // Without --json the variable is ignored: exit 3, nothing started.
  await runCli(["stop", "--name", "os"], sb.env);
  const plain = await runCli(["status", "--name", "os"], env);
  assert.equal(plain.code, 3);
  assert.ok(!plain.stdout.includes("jllocal:starting"));
});

test("NODE_EXTRA_CA_CERTS is parked for the supervisor's node start only: Jupyter gets it back unchanged", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const env = { ...sb.env, NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt" };
  const r = await runCli(
    ["start", "--app", "server", "--name", "ca", "--port", String(await freePort()), "--json"],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Status;
  const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  // /proc/PID/environ is the environment at exec: the supervisor's node started without the variable.
  assert.ok(!environ(s.supervisorPid).some((e) => e.startsWith("NODE_EXTRA_CA_CERTS=")), "parked at the exec");
  const jupyter = environ(s.jupyterPid);
  assert.ok(jupyter.includes("NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"), "back for Jupyter");
  assert.ok(!jupyter.some((e) => e.startsWith("JLREMOTE_PARKED_")), "no parked name reaches Jupyter");
  assert.equal((await runCli(["stop", "--name", "ca"], env)).code, 0);
});
