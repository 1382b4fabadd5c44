// Run by scripts/test-systemd.sh (`make test-systemd`, and the last step of `make test` where it can run): the service
// under a real `systemd --user` it starts in a temp HOME. Install, crash recovery (Jupyter and supervisor SIGKILLed),
// orphaned kernels, a real memory limit, stop/start, uninstall.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { alive, freePort, httpStatus, killPid, killRecorded, runCli, waitFor } from "../helpers/cli.js";
import { cmdline, execInKernel, startKernel } from "../helpers/jupyter.js";
import { kernelPid, newKernel, runCode } from "../helpers/kernels.js";

const skip =
  process.env.JLREMOTE_TEST_SYSTEMD === "1" ? false : "run by `make test-systemd` (needs a systemd user manager)";
// Each test bounded (generous: the machine is loaded), so a hang fails one test instead of stalling the run.
const opts = { skip, timeout: 240_000 };
const env: Record<string, string> = {};
for (const k of [
  "PATH",
  "HOME",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "XDG_STATE_HOME",
  "JUPYTER_RUNTIME_DIR",
  "JUPYTER_CONFIG_DIR",
  "JUPYTER_DATA_DIR",
  "IPYTHONDIR",
  "LANG",
]) {
  const v = process.env[k];
  if (v !== undefined) env[k] = v;
}
const home = env.HOME ?? "/nonexistent";
const unitDir = join(env.XDG_CONFIG_HOME ?? "", "systemd", "user");
const rootDir = join(home, "my project");

interface Status {
  state: string;
  url: string;
  token: string;
  port: number;
  supervisorPid: number;
  jupyterPid: number;
  managedBy: string;
  [k: string]: unknown;
}

async function status(name = "default"): Promise<Status & { code: number | null }> {
  const r = await runCli(["status", "--json", "--name", name], env);
  return { ...(JSON.parse(r.stdout) as Status), code: r.code };
}

function unitProp(prop: string, name = "default"): string {
  const r = spawnSync("systemctl", ["--user", "show", `--property=${prop}`, "--value", `jlremote@${name}.service`], {
    env,
    encoding: "utf8",
    timeout: 10_000,
  });
  return r.stdout.trim();
}

const apiOk = (s: Status) => httpStatus(`http://127.0.0.1:${s.port}/api/status`, { Authorization: `token ${s.token}` });

/** `jlremote service install` of the default instance on `port`, with this stop timeout (seconds). */
function installDefault(stopTimeout: string) {
  const options = ["--app", "server", "--port", String(port), "--root-dir", rootDir, "--stop-timeout", stopTimeout];
  return runCli(["service", "install", ...options, "--health-interval", "1", "--health-retries", "2"], env, {
    timeoutMs: 120_000,
  });
}

after(() => {
  if (skip) return;
  spawnSync(
    "systemctl",
    ["--user", "stop", "jlremote@default.service", "jlremote@det.service", "jlremote@broken.service"],
    { env, timeout: 60_000 },
  );
  killRecorded(join(env.XDG_STATE_HOME ?? "", "jlremote"));
});

let port = 0;
let first: Status;
let adoptedKernel = { id: "", pid: 0 };

test("service install starts Jupyter under systemd and prints a URL that answers 200", opts, async () => {
  mkdirSync(rootDir, { recursive: true });
  port = await freePort();
  const r = await installDefault("5");
  assert.equal(r.code, 0, r.stderr);
  const url = r.stdout.trim();
  assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[0-9a-f]{48}$`));
  assert.equal(await httpStatus(url), 200);
  assert.match(r.stderr, /runs as jlremote@default\.service/);
  assert.match(r.stderr, /lingering is (on|off)|could not tell whether lingering is on/);
  assert.match(r.stderr, /loginctl enable-linger /);
  first = await status();
  assert.equal(first.code, 0);
  assert.equal(first.state, "running");
  assert.equal(first.managedBy, "systemd");
  assert.equal(Number(unitProp("MainPID")), first.supervisorPid);
  assert.equal(unitProp("UnitFileState"), "enabled");
  assert.match(readFileSync(`/proc/${first.supervisorPid}/cgroup`, "utf8"), /\/jlremote@default\.service$/m);
  // The root dir with a space arrived as one argument; the token is in no command line and no unit file.
  assert.ok(readFileSync(`/proc/${first.supervisorPid}/cmdline`, "utf8").split("\0").includes(rootDir));
  assert.ok(!cmdline(first.supervisorPid).includes(first.token) && !cmdline(first.jupyterPid).includes(first.token));
  for (const f of [join(unitDir, "jlremote@.service"), join(unitDir, "jlremote@default.service.d", "options.conf")]) {
    assert.ok(!readFileSync(f, "utf8").includes(first.token), f);
    assert.equal(statSync(f).mode & 0o777, 0o600, f);
  }
});

test("installing again with the same options keeps the running Jupyter and prints the same URL", opts, async () => {
  const r = await installDefault("5");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), first.url);
  assert.equal((await status()).jupyterPid, first.jupyterPid);
});

test("installing with other options keeps the running Jupyter and says how to apply them", opts, async () => {
  const r = await installDefault("6");
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /keeps running with its old options .*`jlremote stop --name default` then `jlremote start --name default`/,
  );
  assert.equal(r.stdout.trim(), first.url);
  assert.equal((await status()).jupyterPid, first.jupyterPid);
  assert.match(
    readFileSync(join(unitDir, "jlremote@default.service.d", "options.conf"), "utf8"),
    /"--stop-timeout" "6"/,
  );
});

test("service install refuses an instance that already runs detached, and leaves it running", opts, async () => {
  const started = await runCli(["start", "--name", "det", "--app", "server", "--root-dir", rootDir], env, {
    timeoutMs: 90_000,
  });
  assert.equal(started.code, 0, started.stderr);
  const det = await status("det");
  const r = await runCli(["service", "install", "--name", "det", "--app", "server", "--root-dir", rootDir], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already runs detached .*`jlremote stop --name det` first/);
  assert.equal(existsSync(join(unitDir, "jlremote@det.service.d")), false);
  assert.ok(alive(det.jupyterPid));
  assert.equal((await runCli(["stop", "--name", "det"], env)).code, 0);
  assert.ok(!alive(det.supervisorPid) && !alive(det.jupyterPid));
});

test(
  "a SIGKILLed Jupyter is restarted on the same URL and its kernel is re-adopted: same id and PID, x + 1 is 42",
  opts,
  async () => {
    const id = await newKernel(port, first.token);
    assert.equal((await runCode(port, first.token, id, "x = 41")).status, "ok");
    const kernel = await waitFor("kernel pid", () => kernelPid(id));
    killPid(first.jupyterPid, "SIGKILL");
    const after = await waitFor(
      "Jupyter restarted",
      async () => {
        const s = await status();
        return s.state === "running" && s.jupyterPid !== first.jupyterPid ? s : null;
      },
      60_000,
    );
    assert.equal(after.url, first.url);
    assert.equal(after.supervisorPid, first.supervisorPid);
    assert.equal(await apiOk(after), 200);
    assert.equal(kernelPid(id), kernel);
    assert.deepEqual(await runCode(port, first.token, id, "x + 1"), { status: "ok", text: "42" });
    // The kernel stays in the unit's cgroup (under jlremote's keeper): systemd's stop still reaches it.
    assert.match(readFileSync(`/proc/${kernel}/cgroup`, "utf8"), /\/jlremote@default\.service$/m);
    adoptedKernel = { id, pid: kernel };
    first = after;
  },
);

test(
  "jlremote restart goes through the supervisor: same URL, new Jupyter, the kernel kept (x + 1 is 42)",
  opts,
  async () => {
    const r = await runCli(["restart"], env, { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), first.url);
    const s = await status();
    assert.notEqual(s.jupyterPid, first.jupyterPid);
    assert.equal(s.supervisorPid, first.supervisorPid);
    assert.equal(kernelPid(adoptedKernel.id), adoptedKernel.pid);
    assert.deepEqual(await runCode(port, s.token, adoptedKernel.id, "x + 1"), { status: "ok", text: "42" });
    first = s;
  },
);

test(
  "a hung (SIGSTOPped) Jupyter is replaced and the kernel re-adopted again: same PID, x + 1 is 42",
  opts,
  async () => {
    killPid(first.jupyterPid, "SIGSTOP");
    const after = await waitFor(
      "Jupyter replaced",
      async () => {
        const s = await status();
        return s.state === "running" && s.jupyterPid !== first.jupyterPid ? s : null;
      },
      60_000,
    );
    assert.equal(alive(first.jupyterPid), false);
    assert.equal(kernelPid(adoptedKernel.id), adoptedKernel.pid);
    assert.deepEqual(await runCode(port, after.token, adoptedKernel.id, "x + 1"), { status: "ok", text: "42" });
    first = after;
  },
);

test("the unit survives one kernel's OOM kill: OOMPolicy=continue, KillMode=process", opts, async () => {
  assert.equal(unitProp("OOMPolicy"), "continue");
  assert.equal(unitProp("KillMode"), "process");
  const kernel = await startKernel(port, first.token, first.jupyterPid);
  const restarts = () =>
    (
      readFileSync(join(env.XDG_STATE_HOME ?? "", "jlremote", "default", "jupyter.log"), "utf8").match(
        /restarting kernel/g,
      ) ?? []
    ).length;
  const before = restarts();
  // What the OOM killer does to one kernel: SIGKILL. Jupyter notices (its restarter logs it), the unit and URL stay.
  killPid(kernel, "SIGKILL");
  await waitFor("kernel gone", () => !alive(kernel));
  await waitFor("Jupyter's restarter on the dead kernel", () => restarts() > before, 30_000);
  assert.equal(unitProp("ActiveState"), "active");
  const s = await status();
  assert.equal(s.jupyterPid, first.jupyterPid);
  assert.equal(await apiOk(s), 200);
});

test(
  "where the user manager can limit memory, a kernel over MemoryMax dies alone and the unit stays active",
  opts,
  async (t) => {
    const unit = "jlremote@default.service";
    const set = spawnSync(
      "systemctl",
      ["--user", "set-property", "--runtime", unit, "MemoryMax=400M", "MemorySwapMax=0"],
      { env, encoding: "utf8", timeout: 10_000 },
    );
    t.after(() =>
      spawnSync(
        "systemctl",
        ["--user", "set-property", "--runtime", unit, "MemoryMax=infinity", "MemorySwapMax=infinity"],
        { env, timeout: 10_000 },
      ),
    );
    // The limit must really be in force on the unit's memory cgroup (v2 memory.max, or v1 memory.limit_in_bytes).
    const cgroup = memoryCgroup(first.supervisorPid);
    const limited = cgroup !== null && readFileSync(cgroup.limit, "utf8").trim() === String(400 * 1024 * 1024);
    if (set.status !== 0 || !limited)
      return t.skip(
        `this user manager cannot limit memory here (${set.stderr.trim() || `no 400M limit in ${cgroup?.limit ?? "any memory cgroup file"}`})`,
      );
    const kills = oomKills(cgroup.events);
    const kernel = await startKernel(port, first.token, first.jupyterPid);
    try {
      execInKernel(kernel, "x = bytearray(800 * 1024 * 1024)");
    } catch {
      /* the kernel died mid-request */
    }
    await waitFor("kernel gone", () => !alive(kernel), 60_000);
    // The kernel died of the limit (the cgroup counts one more OOM kill), and only it: same Jupyter, same supervisor.
    assert.ok(oomKills(cgroup.events) > kills, `no OOM kill counted in ${cgroup.events}`);
    assert.equal(unitProp("ActiveState"), "active");
    assert.ok(alive(first.jupyterPid) && alive(first.supervisorPid));
    const s = await status();
    assert.equal(s.jupyterPid, first.jupyterPid);
    assert.equal(s.supervisorPid, first.supervisorPid);
    assert.equal(await apiOk(s), 200);
  },
);

/** The memory cgroup of a process: its limit file and the file counting its OOM kills (v2, or v1's hierarchy). */
function memoryCgroup(pid: number): { limit: string; events: string } | null {
  const lines = readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n");
  const v1 = lines.find((l) => /^\d+:memory:/.test(l))?.split(":")[2];
  const v2 = lines.find((l) => l.startsWith("0::"))?.slice(3);
  const candidates = [
    v2 && { limit: `/sys/fs/cgroup${v2}/memory.max`, events: `/sys/fs/cgroup${v2}/memory.events` },
    v2 && { limit: `/sys/fs/cgroup/unified${v2}/memory.max`, events: `/sys/fs/cgroup/unified${v2}/memory.events` },
    v1 && {
      limit: `/sys/fs/cgroup/memory${v1}/memory.limit_in_bytes`,
      events: `/sys/fs/cgroup/memory${v1}/memory.oom_control`,
    },
  ];
  return candidates.find((c) => c && existsSync(c.limit) && existsSync(c.events)) || null;
}

/** The `oom_kill N` count of a memory.events (v2) or memory.oom_control (v1) file. */
function oomKills(file: string): number {
  return Number(/^oom_kill (\d+)$/m.exec(readFileSync(file, "utf8"))?.[1] ?? Number.NaN);
}

test(
  "a SIGKILLed supervisor leaves Jupyter and its kernel running (same PIDs); systemd restarts it and it adopts them",
  opts,
  async () => {
    const kernel = await startKernel(port, first.token, first.jupyterPid);
    killPid(first.supervisorPid, "SIGKILL");
    const again = await waitFor(
      "supervisor restarted by systemd",
      async () => {
        const s = await status();
        return s.state === "running" && s.supervisorPid !== first.supervisorPid && alive(s.supervisorPid) ? s : null;
      },
      60_000,
    );
    assert.equal(again.jupyterPid, first.jupyterPid, "the restarted supervisor adopted the running Jupyter");
    assert.ok(alive(first.jupyterPid), "Jupyter survived the supervisor's SIGKILL");
    assert.ok(alive(kernel), "the kernel survived the supervisor's SIGKILL");
    assert.equal(Number(unitProp("NRestarts")), 1);
    assert.equal(Number(unitProp("MainPID")), again.supervisorPid);
    assert.equal(again.url, first.url);
    assert.equal(await apiOk(again), 200);
    const log = readFileSync(join(env.XDG_STATE_HOME ?? "", "jlremote", "default", "supervisor.log"), "utf8");
    assert.match(log, /"adopted":true/);
    first = again;
  },
);

test(
  "systemctl --user stop leaves no Jupyter, kernel or supervisor behind (the supervisor's own stop path)",
  opts,
  async () => {
    const kernel = await startKernel(port, first.token, first.jupyterPid);
    const r = spawnSync("systemctl", ["--user", "stop", "jlremote@default.service"], {
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(unitProp("ActiveState"), "inactive");
    for (const pid of [first.supervisorPid, first.jupyterPid, kernel]) assert.ok(!alive(pid), `pid ${pid} is gone`);
    const stopped = await status();
    assert.equal(stopped.state, "stopped");
    const start = await runCli(["start", "--json"], env, { timeoutMs: 90_000 });
    assert.equal(start.code, 0, start.stderr);
    first = JSON.parse(start.stdout) as Status;
  },
);

test(
  "jlremote stop stops the unit and leaves no process; jlremote start brings it back through systemd",
  opts,
  async () => {
    const kernel = await startKernel(port, first.token, first.jupyterPid);
    const stop = await runCli(["stop"], env, { timeoutMs: 90_000 });
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /systemctl --user stop jlremote@default\.service/);
    assert.equal(unitProp("ActiveState"), "inactive");
    for (const pid of [first.supervisorPid, first.jupyterPid, kernel]) assert.ok(!alive(pid), `pid ${pid} is gone`);
    const stopped = await status();
    assert.equal(stopped.code, 3);
    assert.equal(stopped.state, "stopped");
    assert.equal(stopped.managedBy, "systemd");
    const start = await runCli(["start", "--json"], env, { timeoutMs: 90_000 });
    assert.equal(start.code, 0, start.stderr);
    const s = JSON.parse(start.stdout) as Status;
    assert.equal(s.state, "running");
    assert.equal(s.managedBy, "systemd");
    assert.equal(Number(unitProp("MainPID")), s.supervisorPid);
    assert.equal(await apiOk(s), 200);
    first = s;
  },
);

test("service status --json shows the unit active and enabled with the supervisor as main PID", opts, async () => {
  const r = await runCli(["service", "status", "--json"], env);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as {
    installed: boolean;
    enabled: boolean;
    activeState: string;
    mainPid: number;
    manager: string;
    instance: Status;
  };
  assert.equal(s.installed, true);
  assert.equal(s.enabled, true);
  assert.equal(s.activeState, "active");
  assert.equal(s.manager, "running");
  assert.equal(s.mainPid, first.supervisorPid);
  assert.equal(s.instance.url, first.url);
});

test("service uninstall stops everything and removes the unit files", opts, async () => {
  const kernel = await startKernel(port, first.token, first.jupyterPid);
  const r = await runCli(["service", "uninstall"], env, { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const pid of [first.supervisorPid, first.jupyterPid, kernel]) assert.ok(!alive(pid), `pid ${pid} is gone`);
  assert.deepEqual(
    readdirSync(unitDir).filter((f) => f.startsWith("jlremote")),
    [],
  );
  assert.equal(existsSync(join(unitDir, "default.target.wants", "jlremote@default.service")), false);
  assert.equal(unitProp("LoadState"), "not-found");
  const s = await status();
  assert.equal(s.managedBy, "jlremote");
  assert.equal(s.code, 3);
});

test(
  "a service whose Jupyter cannot start is removed again: exit 1, Jupyter's last lines, no unit left",
  opts,
  async () => {
    const fake = join(home, "broken-jupyter");
    writeFileSync(fake, "#!/bin/sh\necho 'ModuleNotFoundError: no module named jupyter_server' >&2\nexit 1\n", {
      mode: 0o755,
    });
    const r = await runCli(
      [
        "service",
        "install",
        "--name",
        "broken",
        "--app",
        "server",
        "--jupyter",
        fake,
        "--max-restarts",
        "0",
        "--root-dir",
        rootDir,
      ],
      env,
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Jupyter did not start: .*the service was removed again/);
    assert.match(r.stderr, /ModuleNotFoundError/);
    assert.equal(existsSync(join(unitDir, "jlremote@broken.service.d")), false);
    assert.equal(unitProp("LoadState", "broken"), "not-found");
    assert.equal((await status("broken")).state, "failed");
  },
);

test("when the user manager does not read our unit dir, install says so and leaves no files", opts, async () => {
  const other = join(home, "other-config");
  const r = await runCli(
    ["service", "install", "--name", "cfg", "--app", "server", "--root-dir", rootDir],
    { ...env, XDG_CONFIG_HOME: other },
    { timeoutMs: 60_000 },
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /the systemd user manager does not see .*other-config\/systemd\/user\/jlremote@cfg\.service\.d\/options\.conf .*does it read .*other-config\/systemd\/user\?/,
  );
  assert.equal(existsSync(join(other, "systemd", "user", "jlremote@.service")), false);
  assert.equal(existsSync(join(other, "systemd", "user", "jlremote@cfg.service.d")), false);
  assert.equal((await status("cfg")).state, "stopped");
});
