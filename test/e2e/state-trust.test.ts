// Planted state: a symlinked or foreign-owned state.json, instance dir or jllocal ControlPath fallback dir is refused
// with one line; nothing is followed and nothing is signalled.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, alive, killPid, runCli, sandbox, type Sandbox } from "../helpers/cli.js";
import { JLLOCAL } from "../helpers/jllocal.js";

const root = process.getuid?.() === 0;

/** A live process we own, and a state record that names it as supervisor and Jupyter (a correct identity). */
function liveRecord(t: { after: (fn: () => unknown) => void }, sb: Sandbox): { pid: number; text: string } {
  const c = spawn("sleep", ["300"], { stdio: "ignore" });
  t.after(() => killPid(c.pid));
  const pid = c.pid as number;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const startTime = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  const id = {
    pid,
    startTime,
    host: hostname(),
    bootId: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(),
  };
  const options = {
    name: "default",
    app: "server",
    jupyter: "/usr/bin/jupyter",
    port: 8888,
    portExplicit: false,
    rootDir: sb.dir,
    extraArgs: [],
    maxRestarts: 5,
    readyTimeoutMs: 60000,
    stopTimeoutMs: 10000,
    sock: false,
    healthIntervalMs: 30000,
    healthRetries: 3,
  };
  const record = {
    schema: 1,
    name: "default",
    state: "running",
    host: hostname(),
    supervisor: id,
    jupyter: id,
    port: 8888,
    socket: null,
    children: [],
    token: "planted-token",
    app: "server",
    options,
    startedAt: null,
    restarts: 0,
    lastExit: null,
    reason: null,
    logFile: "/x",
    jupyterLogFile: "/y",
    version: "0.1.0",
    updatedAt: new Date().toISOString(),
  };
  return { pid, text: JSON.stringify(record) };
}

/** Every command that reads the state: one line on stderr, exit 1, the live process untouched. */
async function assertRefused(sb: Sandbox, pid: number, pattern: RegExp): Promise<void> {
  for (const args of [["status", "--json"], ["status"], ["url"], ["stop"], ["restart"], ["start", "--app", "server"]]) {
    const r = await runCli(args, sb.env);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", `${args.join(" ")} printed ${r.stdout}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(lines[0] ?? "", pattern, args.join(" "));
    assert.ok(alive(pid), `${args.join(" ")} signalled the recorded process`);
  }
  const list = await runCli(["list", "--json"], sb.env);
  assert.equal(list.code, 0);
  assert.deepEqual(JSON.parse(list.stdout), []);
  assert.match(list.stderr, pattern);
}

test("a symlinked state.json is refused by every command, not followed, nothing signalled", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { pid, text } = liveRecord(t, sb);
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  const target = join(sb.dir, "elsewhere.json");
  writeFileSync(target, text, { mode: 0o600 });
  symlinkSync(target, join(sb.stateDir(), "state.json"));
  await assertRefused(sb, pid, /state\.json is a symbolic link; refusing to follow it/);
  assert.equal(readFileSync(target, "utf8"), text);
  assert.ok(lstatSync(join(sb.stateDir(), "state.json")).isSymbolicLink());
});

test("a state.json owned by another user is refused, nothing signalled", {
  timeout: E2E_TIMEOUT_MS,
  skip: !root && "chown needs root",
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { pid, text } = liveRecord(t, sb);
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  const file = join(sb.stateDir(), "state.json");
  writeFileSync(file, text, { mode: 0o600 });
  chownSync(file, 65534, 65534);
  await assertRefused(sb, pid, /state\.json belongs to uid 65534, not to you/);
  assert.equal(readFileSync(file, "utf8"), text);
});

test("a group-writable state.json is refused", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { pid, text } = liveRecord(t, sb);
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.stateDir(), "state.json"), text, { mode: 0o620 });
  spawnSync("chmod", ["620", join(sb.stateDir(), "state.json")]);
  await assertRefused(sb, pid, /writable by group or others/);
});

test("a symlinked instance dir is refused, nothing created through it, nothing signalled", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { pid, text } = liveRecord(t, sb);
  const target = join(sb.dir, "other-dir");
  mkdirSync(target, { mode: 0o700 });
  writeFileSync(join(target, "state.json"), text, { mode: 0o600 });
  mkdirSync(join(sb.env.XDG_STATE_HOME as string, "jlremote"), { recursive: true, mode: 0o700 });
  symlinkSync(target, sb.stateDir());
  await assertRefused(sb, pid, /jlremote\/default is a symbolic link; refusing to follow it/);
  assert.deepEqual(readdirSync(target), ["state.json"]);
});

test("an instance dir owned by another user is refused, nothing signalled", {
  timeout: E2E_TIMEOUT_MS,
  skip: !root && "chown needs root",
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { pid, text } = liveRecord(t, sb);
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.stateDir(), "state.json"), text, { mode: 0o600 });
  chownSync(sb.stateDir(), 65534, 65534);
  await assertRefused(sb, pid, /jlremote\/default belongs to uid 65534, not to you/);
  assert.deepEqual(readdirSync(sb.stateDir()), ["state.json"]);
});

// jllocal as uid 65534 with a state path too long for a control socket: its ControlPath dir is /tmp/jllocal-65534.
const fallback = "/tmp/jllocal-65534";

async function jllocalAsNobody(t: {
  after: (fn: () => unknown) => void;
}): Promise<{ code: number | null; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), "jlr-nobody-"));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  chownSync(home, 65534, 65534);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_STATE_HOME: join(home, "a-state-directory-with-a-long-name-so-the-control-socket-falls-back"),
  };
  const r = spawnSync(
    "setpriv",
    ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, JLLOCAL, "nohost.invalid", "--no-browser"],
    { env, encoding: "utf8", timeout: 30_000 },
  );
  return { code: r.status, stderr: r.stderr };
}

function plant(t: { after: (fn: () => unknown) => void }, make: () => void): void {
  assert.ok(!existsSync(fallback) || lstatSync(fallback).uid !== 65534, `${fallback} exists already`);
  rmSync(fallback, { recursive: true, force: true });
  make();
  t.after(() => rmSync(fallback, { recursive: true, force: true }));
}

test("jllocal's ControlPath fallback /tmp/jllocal-UID planted as a symlink: refused in one line, not followed", {
  timeout: E2E_TIMEOUT_MS,
  skip: !root && "setpriv needs root",
}, async (t) => {
  const target = mkdtempSync(join(tmpdir(), "jlr-planted-"));
  t.after(() => rmSync(target, { recursive: true, force: true }));
  plant(t, () => symlinkSync(target, fallback));
  const r = await jllocalAsNobody(t);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /\/tmp\/jllocal-65534 is a symbolic link; refusing to follow it/);
  assert.deepEqual(readdirSync(target), []);
  assert.ok(lstatSync(fallback).isSymbolicLink());
});

test("jllocal's ControlPath fallback owned by another user: refused in one line", {
  timeout: E2E_TIMEOUT_MS,
  skip: !root && "setpriv needs root",
}, async (t) => {
  plant(t, () => mkdirSync(fallback, { mode: 0o777 }));
  spawnSync("chmod", ["777", fallback]);
  const r = await jllocalAsNobody(t);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /\/tmp\/jllocal-65534 belongs to uid 0, not to you \(uid 65534\)/);
  assert.deepEqual(readdirSync(fallback), []);
});

test("restart validates the settings it will use (remembered, config file, recorded root dir) before anything is signalled: exit 2", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const { pid, text } = liveRecord(t, sb);
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  const rec = JSON.parse(text) as { state: string; supervisor: unknown; options: Record<string, unknown> };
  const configFile = join(sb.env.XDG_CONFIG_HOME as string, "jlremote", "config.json");
  mkdirSync(join(sb.env.XDG_CONFIG_HOME as string, "jlremote"), { recursive: true });
  // A stopped instance whose recorded Jupyter (identity-checked) still lives, and one bad setting each time.
  const bad: [{ remembered?: unknown; config?: unknown; rootDir?: string }, RegExp][] = [
    [{ remembered: { jupyter: "/nonexistent/jupyter" } }, /\/nonexistent\/jupyter/],
    [{ remembered: { rootDir: join(sb.dir, "gone") } }, /--root-dir .*gone: no such directory/],
    [{ remembered: { maxRestarts: -3 } }, /settings\.json: settings\.maxRestarts: -3: expected a whole number/],
    [
      { config: { defaults: { extraArgs: "--ServerApp.token=" } } },
      /config\.json: defaults\.extraArgs: "--ServerApp\.token=": expected an array of strings/,
    ],
    [
      { config: { instances: { default: { app: "bogus" } } } },
      /config\.json: instances\.default\.app: "bogus": expected auto, lab, notebook or server/,
    ],
    [{ rootDir: join(sb.dir, "gone") }, /--root-dir .*gone: no such directory/],
  ];
  for (const [change, message] of bad) {
    const options = { ...rec.options, ...(change.rootDir ? { rootDir: change.rootDir } : {}) };
    writeFileSync(
      join(sb.stateDir(), "state.json"),
      JSON.stringify({ ...rec, state: "stopped", supervisor: null, options }),
      { mode: 0o600 },
    );
    rmSync(join(sb.stateDir(), "settings.json"), { force: true });
    rmSync(configFile, { force: true });
    if (change.remembered)
      writeFileSync(join(sb.stateDir(), "settings.json"), JSON.stringify({ schema: 1, settings: change.remembered }), {
        mode: 0o600,
      });
    if (change.config) writeFileSync(configFile, JSON.stringify(change.config), { mode: 0o600 });
    const r = await runCli(["restart"], sb.env);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.ok(alive(pid), "restart signalled the recorded process");
    assert.ok(!existsSync(join(sb.stateDir(), "supervisor.log")), "restart started something");
  }
});
