// End-to-end: other hosts' records, a machine without `ps`, `stop` racing a `start`, log rotation of an adopted Jupyter.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import {
  E2E_TIMEOUT_MS,
  CLI,
  alive,
  freePort,
  httpStatus,
  killPid,
  processesWithEnv,
  runCli,
  sandbox,
  waitFor,
} from "../helpers/cli.js";
import { status } from "../helpers/jupyter.js";

const fixtures = resolve(import.meta.dirname, "../fixtures");
const asRoot = process.getuid?.() === 0 ? false : "unshare --uts needs root";

test("a stopped record written on another host does not block the name: start takes it over with a note", {
  timeout: E2E_TIMEOUT_MS,
  skip: asRoot,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const cli = `"${process.execPath}" "${CLI}"`;
  const r = spawnSync(
    "unshare",
    ["--uts", "sh", "-c", `hostname othernode && ${cli} start --app server --port ${port} && ${cli} stop`],
    { env: sb.env, encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const before = await status(sb);
  assert.equal(before.code, 3);
  assert.equal(before.elsewhere, false);
  assert.equal(before.host, "othernode");
  assert.match(before.reason ?? "", /last run on host othernode \(stopped\)/);
  const start = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(start.code, 0, start.stderr);
  assert.match(start.stderr, /taking over 'default': last run on host othernode/);
  const now = await status(sb);
  assert.equal(now.state, "running");
  assert.notEqual(now.host, "othernode");
  assert.equal(await httpStatus(now.url), 200);
});

test("a live-looking record of another host without a recent heartbeat does not block the name; a fresh one does (exit 4)", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
  const file = `${sb.stateDir()}/state.json`;
  const rec = JSON.parse(readFileSync(file, "utf8"));
  const fresh = new Date().toISOString();
  writeFileSync(
    file,
    JSON.stringify({ ...rec, host: "othernode", state: "running", heartbeatAt: fresh, updatedAt: fresh }),
  );
  const blocked = await runCli(["start", "--app", "server"], sb.env);
  assert.equal(blocked.code, 4, blocked.stderr);
  const old = new Date(Date.now() - 10 * 60_000).toISOString();
  writeFileSync(
    file,
    JSON.stringify({ ...rec, host: "othernode", state: "running", heartbeatAt: old, updatedAt: old }),
  );
  const st = await status(sb);
  assert.equal(st.code, 3);
  assert.match(st.reason ?? "", new RegExp(`no heartbeat since ${old}`));
  const start = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(start.code, 0, start.stderr);
  assert.equal((await status(sb)).state, "running");
});

test("without `ps` on PATH, a Jupyter that ignores SIGTERM is still SIGKILLed and the supervisor ends cleanly", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const emptyBin = `${sb.dir}/bin`;
  mkdirSync(emptyBin);
  const env = { ...sb.env, PATH: emptyBin };
  const r = await runCli(
    [
      "start",
      "--app",
      "server",
      "--jupyter",
      `${fixtures}/stubborn-jupyter.sh`,
      "--port",
      String(await freePort()),
      "--timeout",
      "1",
      "--stop-timeout",
      "0.5",
      "--max-restarts",
      "0",
    ],
    env,
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /not ready within 1 s/);
  const st = await status(sb);
  assert.equal(st.state, "failed");
  assert.equal(alive(st.jupyterPid), false);
  await waitFor("no process left", () => processesWithEnv(`HOME=${sb.dir}`).length === 0, 10_000);
  const log = readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8");
  assert.match(log, /supervisor gave up/);
  assert.doesNotMatch(log + readFileSync(`${sb.stateDir()}/jupyter.log`, "utf8"), /spawn ps ENOENT|Uncaught/);
});

test("stop of an unsupervised Jupyter holds the start lock: a start meanwhile waits, and its claim is never overwritten", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox({ REAL_JUPYTER: "/usr/bin/jupyter" });
  sb.env.SLOW_EXIT_MARK = `${sb.dir}/term-received`;
  t.after(async () => {
    for (const pid of processesWithEnv(`HOME=${sb.dir}`)) killPid(pid);
    await sb.cleanup();
  });
  const port = await freePort();
  const args = [
    "start",
    "--app",
    "server",
    "--jupyter",
    `${fixtures}/slow-exit-jupyter.sh`,
    "--port",
    String(port),
    "--stop-timeout",
    "5",
  ];
  const r = await runCli(args, sb.env);
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  process.kill(s.supervisorPid, "SIGKILL");
  await waitFor("supervisor gone", () => !alive(s.supervisorPid));
  const stopping = runCli(["stop"], sb.env);
  await waitFor("Jupyter got SIGTERM", () => existsSync(sb.env.SLOW_EXIT_MARK as string));
  const starting = runCli(args, sb.env, { timeoutMs: 90_000 });
  const [stop, start] = await Promise.all([stopping, starting]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(start.code, 0, start.stderr);
  const after = await status(sb);
  assert.equal(after.state, "running", "stop overwrote the claim of the start that came in meanwhile");
  assert.ok(alive(after.supervisorPid));
  const supervisors = processesWithEnv(`HOME=${sb.dir}`, /jlremote\.c?m?js run /);
  assert.deepEqual(supervisors, [after.supervisorPid], "a supervisor runs that no command sees");
});

test("Jupyter's log is capped also for an adopted Jupyter whose supervisor died; logs -n shows its last lines", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await runCli(
    [
      "start",
      "--app",
      "server",
      "--port",
      String(await freePort()),
      "--log-max-size",
      "0.02",
      "--log-keep",
      "2",
      "--health-interval",
      "0.2",
    ],
    sb.env,
  );
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  process.kill(s.supervisorPid, "SIGKILL");
  await waitFor("supervisor gone", () => !alive(s.supervisorPid));
  const adopt = await runCli(["start", "--app", "server"], sb.env);
  assert.equal(adopt.code, 0, adopt.stderr);
  assert.equal((await status(sb)).jupyterPid, s.jupyterPid);
  const file = `${sb.stateDir()}/jupyter.log`;
  // Every 404 is a warning line in Jupyter's log: ~60 KB of output, three times the cap.
  const base = `http://127.0.0.1:${s.port}`;
  for (let i = 0; i < 300; i += 1) await httpStatus(`${base}/no-such-page-${"x".repeat(150)}-${i}`);
  await waitFor("rotation", () => existsSync(`${file}.1`) && statSync(file).size < 20 * 1024 * 2, 90_000);
  assert.ok(!existsSync(`${file}.3`));
  assert.match(readFileSync(`${file}.1`, "utf8"), /404 GET \/no-such-page/);
  // A line written just before a rotation's copy lands in jupyter.log.1: ask again until the current file has it.
  await waitFor(
    "last line in the log",
    async () => {
      await httpStatus(`${base}/the-very-last-request`);
      return /the-very-last-request/.test((await runCli(["logs", "-n", "3"], sb.env)).stdout);
    },
    60_000,
    500,
  );
  assert.equal(await httpStatus(s.url), 200);
});
