// End-to-end: start spawns its supervisor's node ahead (`run --warm`) and hands it the run argv; an unused warm process
// exits and touches nothing (src/core/warm-supervisor.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  alive,
  CLI,
  E2E_TIMEOUT_MS,
  freePort,
  killPid,
  processesWithEnv,
  runCli,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import { labVenv, labVenvReady } from "../helpers/flavours.js";
import { descendants } from "../../src/io/process-tree.js";
import { SUPERVISOR_NODE_FLAGS } from "../../src/io/supervisor-argv.js";

/** Is `pid` a live process running the kernel keeper? */
function keeperAlive(pid: number): boolean {
  try {
    return alive(pid) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("jlremote_keeper.py");
  } catch {
    return false;
  }
}

/** Live kernel keepers among the descendants of `pid`. */
function keeperChildren(pid: number): number[] {
  return descendants(pid)
    .map((d) => d.pid)
    .filter(keeperAlive);
}

/** The supervisor log's records with message `msg`. */
function logged(sb: Sandbox, name: string, msg: string): Record<string, unknown>[] {
  return readFileSync(join(sb.stateDir(name), "supervisor.log"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.msg === msg);
}

/** Warm processes of this sandbox (its HOME in their environment), other than `except`. */
function warmProcesses(sb: Sandbox, except: number[] = []): number[] {
  return processesWithEnv(`HOME=${sb.dir}`, /jlremote\.cjs run --warm/).filter((p) => !except.includes(p));
}

function box(t: { after: (fn: () => Promise<void>) => void }): Sandbox {
  const sb = sandbox();
  t.after(async () => {
    for (const pid of warmProcesses(sb)) killPid(pid);
    await sb.cleanup();
  });
  return sb;
}

/** Run `jlremote run --warm …` with `input` on stdin (then EOF); its exit code and stderr. */
function warm(sb: Sandbox, input: string, args: string[] = []): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, "run", "--warm", ...args], {
      env: sb.env,
      cwd: sb.dir,
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, stderr });
    });
    child.stdin.end(input);
  });
}

test("start's supervisor is the warm process it spawned first, running in the root dir", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const port = await freePort();
  const root = join(sb.dir, "work");
  mkdirSync(root);
  const r = await runCli(
    ["start", "--app", "server", "--name", "w1", "--port", String(port), "--root-dir", root, "--json"],
    sb.env,
    { cwd: sb.dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const st = JSON.parse(r.stdout) as { state: string; supervisorPid: number };
  assert.equal(st.state, "running");
  const argv = readFileSync(`/proc/${st.supervisorPid}/cmdline`, "utf8").split("\0").filter(Boolean);
  assert.deepEqual(argv.slice(-4), ["run", "--warm", "--name", "w1"], argv.join(" "));
  assert.equal(readlinkSync(`/proc/${st.supervisorPid}/cwd`), root);
  // No other warm process is left behind.
  assert.equal(warmProcesses(sb, [st.supervisorPid]).length, 0);
  // Its kernel keeper is the one it started before the go line: Debian's python3 runs both `jupyter` and the keeper.
  const rec = JSON.parse(readFileSync(join(sb.stateDir("w1"), "state.json"), "utf8")) as { keepers: { pid: number }[] };
  assert.equal(rec.keepers.length, 1);
  assert.deepEqual(keeperChildren(st.supervisorPid), [rec.keepers[0]?.pid]);
  const used = logged(sb, "w1", "using the keeper started ahead");
  assert.equal(used.length, 1);
  assert.equal(used[0]?.keeperPid, rec.keepers[0]?.pid);
});

test("a keeper started ahead runs start's --jupyter Python; one for another Python is let go", {
  timeout: E2E_TIMEOUT_MS,
  skip: labVenvReady() ? false : "the JupyterLab venv is not built (make test builds it as root)",
}, async (t) => {
  const sb = box(t);
  const env = { ...sb.env, PATH: "/usr/bin:/bin" };
  const keeperOf = (supervisorPid: number) => {
    const rec = JSON.parse(readFileSync(join(sb.stateDir("w5"), "state.json"), "utf8")) as {
      keepers: { pid: number }[];
    };
    const keeper = rec.keepers[0]?.pid as number;
    assert.deepEqual(keeperChildren(supervisorPid), [keeper]);
    assert.match(
      readFileSync(`/proc/${keeper}/cmdline`, "utf8").split("\0")[0] as string,
      /jupyterlab-venv\/bin\/python/,
    );
    return keeper;
  };
  // `jupyter` on PATH is Debian's; start names the venv's, so the warm process starts the venv's Python ahead.
  const first = await runCli(
    ["start", "--name", "w5", "--jupyter", join(labVenv, "bin", "jupyter"), "--app", "server", "--json"],
    env,
  );
  assert.equal(first.code, 0, first.stderr);
  const used = logged(sb, "w5", "using the keeper started ahead");
  assert.equal(used.length, 1, readFileSync(join(sb.stateDir("w5"), "supervisor.log"), "utf8"));
  assert.equal(used[0]?.keeperPid, keeperOf((JSON.parse(first.stdout) as { supervisorPid: number }).supervisorPid));
  assert.equal((await runCli(["stop", "--name", "w5"], sb.env)).code, 0);
  // Remembered, not given: the warm process guesses PATH's (python3) and the supervisor lets that keeper go.
  const again = await runCli(["start", "--name", "w5", "--json"], env);
  assert.equal(again.code, 0, again.stderr);
  keeperOf((JSON.parse(again.stdout) as { supervisorPid: number }).supervisorPid);
  const letGo = logged(sb, "w5", "the keeper started ahead runs another Python; letting it go");
  assert.equal(letGo.length, 1, readFileSync(join(sb.stateDir("w5"), "supervisor.log"), "utf8"));
  assert.equal(letGo[0]?.started, "/usr/bin/python3");
  const early = letGo[0]?.pid as number;
  t.after(() => {
    if (keeperAlive(early)) killPid(early);
  });
  await waitFor("the keeper started ahead to exit", () => !keeperAlive(early), 10_000);
  const stop = await runCli(["stop", "--name", "w5"], sb.env);
  assert.equal(stop.code, 0, stop.stderr);
});

test("a start that finds its instance running lets its warm process go", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const sb = box(t);
  const first = await runCli(["start", "--app", "server", "--name", "w2", "--json"], sb.env);
  assert.equal(first.code, 0, first.stderr);
  const { supervisorPid } = JSON.parse(first.stdout) as { supervisorPid: number };
  const again = await runCli(["start", "--app", "server", "--name", "w2", "--json"], sb.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as { supervisorPid: number }).supervisorPid, supervisorPid);
  await waitFor("the unused warm process to exit", () => warmProcesses(sb, [supervisorPid]).length === 0, 20_000);
  const stop = await runCli(["stop", "--name", "w2"], sb.env);
  assert.equal(stop.code, 0, stop.stderr);
});

test("the keeper an unused warm process started ahead exits with it (EOF or killed)", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  for (const end of ["eof", "kill"] as const) {
    const child = spawn(process.execPath, [CLI, "run", "--warm", "--name", "w6"], {
      env: sb.env,
      cwd: sb.dir,
      stdio: ["pipe", "ignore", "ignore"],
    });
    const exited = new Promise((res) => child.once("exit", res));
    t.after(() => killPid(child.pid));
    const pid = child.pid as number;
    const [keeper] = await waitFor("the warm process's keeper", () => {
      const k = keeperChildren(pid);
      return k.length > 0 ? k : null;
    });
    t.after(() => {
      if (keeperAlive(keeper as number)) killPid(keeper);
    });
    if (end === "eof") child.stdin.end();
    else child.kill("SIGKILL");
    await exited;
    await waitFor(`the keeper to exit after the warm process's ${end}`, () => !keeperAlive(keeper as number), 10_000);
  }
  assert.equal(existsSync(join(sb.env.XDG_STATE_HOME as string, "jlremote")), false);
});

test("a warm process without a go line exits 0 and writes nothing", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const sb = box(t);
  for (const input of ["", "not json\n", `${JSON.stringify({ argv: ["start"], cwd: "/" })}\n`]) {
    const r = await warm(sb, input, ["--name", "w3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
  }
  assert.equal(existsSync(join(sb.env.XDG_STATE_HOME as string, "jlremote")), false);
});

test("a go line into a missing root dir: one line on stderr, no stack, nothing started", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const go = { argv: ["run", "--name", "w4", "--daemon-child"], cwd: join(sb.dir, "gone") };
  const r = await warm(sb, `${JSON.stringify(go)}\n`);
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, /^jlremote: .*gone/);
  assert.equal(existsSync(join(sb.env.XDG_STATE_HOME as string, "jlremote", "w4", "state.json")), false);
});

test("a supervisor's own run (a batch job's, a unit's) uses the keeper it started before its tree, on --jupyter's Python", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  // With the venv built, `jupyter` on PATH (Debian's) and --jupyter's Python differ: the keeper must be the venv's.
  const jupyter = labVenvReady() ? join(labVenv, "bin", "jupyter") : "/usr/bin/jupyter";
  const python = labVenvReady() ? /jupyterlab-venv\/bin\/python/ : /^\/usr\/bin\/python3/;
  const port = await freePort();
  const argv = ["run", "--name", "c1", "--app", "server", "--jupyter", jupyter, "--port", String(port)];
  const run = spawn(process.execPath, [...SUPERVISOR_NODE_FLAGS, CLI, ...argv], {
    env: { ...sb.env, PATH: "/usr/bin:/bin" },
    cwd: sb.dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  run.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise((res) => run.once("exit", res));
  t.after(() => killPid(run.pid));
  const stateFile = join(sb.stateDir("c1"), "state.json");
  const rec = await waitFor(`the run to be ready (${stderr})`, () => {
    if (!existsSync(stateFile)) return null;
    const r = JSON.parse(readFileSync(stateFile, "utf8")) as { state: string; keepers: { pid: number }[] };
    return r.state === "running" ? r : null;
  });
  const keeper = rec.keepers[0]?.pid as number;
  assert.deepEqual(keeperChildren(run.pid as number), [keeper]);
  assert.match(readFileSync(`/proc/${keeper}/cmdline`, "utf8").split("\0")[0] as string, python);
  const used = logged(sb, "c1", "using the keeper started ahead");
  assert.equal(used.length, 1, readFileSync(join(sb.stateDir("c1"), "supervisor.log"), "utf8"));
  assert.equal(used[0]?.keeperPid, keeper);
  const stop = await runCli(["stop", "--name", "c1"], sb.env);
  assert.equal(stop.code, 0, stop.stderr);
  await exited;
  assert.equal(keeperAlive(keeper), false);
});
