// End-to-end supervision paths: giving up, readiness timeout, signals to the supervisor, restart and logs commands.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { flavourArgs, flavours } from "../helpers/flavours.js";
import {
  E2E_TIMEOUT_MS,
  alive,
  descendantsOf,
  freePort,
  httpStatus,
  killPid,
  runCli,
  sandbox,
  waitFor,
} from "../helpers/cli.js";
import { status } from "../helpers/jupyter.js";

const fixtures = resolve(import.meta.dirname, "../fixtures");

test("after --max-restarts failed restarts the state is failed, the supervisor exits, status shows lastExit and the log", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  sb.env.FLAKY_MARKER = `${sb.dir}/flaky-marker`;
  const r = await runCli(
    [
      "start",
      "--jupyter",
      `${fixtures}/flaky-jupyter.sh`,
      "--app",
      "server",
      "--max-restarts",
      "2",
      "--port",
      String(await freePort()),
    ],
    sb.env,
  );
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  process.kill(s.jupyterPid, "SIGKILL");
  const failed = await waitFor(
    "failed state",
    async () => {
      const x = await status(sb);
      return x.state === "failed" ? x : null;
    },
    30_000,
  );
  assert.equal(failed.code, 3);
  assert.equal(failed.restarts, 2);
  assert.match(failed.reason ?? "", /2 restarts in a row did not stay up \(--max-restarts 2\)/);
  assert.equal(failed.lastExit?.code, 1);
  assert.match(String(failed.jupyterLogFile), /jupyter\.log$/);
  assert.match(readFileSync(String(failed.jupyterLogFile), "utf8"), /simulated crash/);
  await waitFor("supervisor exit", () => !alive(s.supervisorPid), 5000);
  const text = await runCli(["status"], sb.env);
  assert.match(text.stdout, /failed/);
  assert.match(text.stdout, /logs: /);
});

test("a first Jupyter that found its port taken for an instant (free again when the supervisor looks) moves to the next port", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  sb.env.PORT_TAKEN_MARKER = `${sb.dir}/port-taken`;
  const r = await runCli(["start", "--jupyter", `${fixtures}/port-taken-jupyter.sh`, "--app", "server"], sb.env);
  assert.equal(r.code, 0, r.stderr);
  const refused = Number(readFileSync(sb.env.PORT_TAKEN_MARKER, "utf8").trim());
  assert.ok(refused > 0, "the fixture read the port from Jupyter's config");
  const s = await status(sb);
  assert.equal(s.state, "running");
  assert.ok(s.port !== null && s.port > refused, `moved on from port ${refused} (now ${s.port})`);
  assert.equal(await httpStatus(`http://127.0.0.1:${s.port}/api/status?token=${s.token}`), 200);
  assert.match(
    readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"),
    /port taken meanwhile; trying the next free one/,
  );
});

test("a Jupyter that never becomes ready fails start after --timeout and is killed", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  const pidFile = `${sb.dir}/hanging-jupyter.pid`;
  sb.env.HANGING_JUPYTER_PIDFILE = pidFile;
  // The hung Jupyter by its PID, should jlremote leave it running; before the sandbox (and the PID file) goes.
  t.after(async () => {
    if (existsSync(pidFile)) killPid(Number(readFileSync(pidFile, "utf8")));
    await sb.cleanup();
  });
  const r = await runCli(
    [
      "start",
      "--jupyter",
      `${fixtures}/hanging-jupyter.sh`,
      "--app",
      "server",
      "--timeout",
      "1",
      "--stop-timeout",
      "1",
      "--port",
      String(await freePort()),
    ],
    sb.env,
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not ready within 1 s/);
  assert.match(r.stderr, /hanging-jupyter: pretending to start/);
  const rec = JSON.parse(readFileSync(`${sb.stateDir()}/state.json`, "utf8"));
  await waitFor("supervisor exit", () => !alive(rec.supervisor.pid), 5000);
  assert.equal(rec.state, "failed");
  const hung = Number(readFileSync(pidFile, "utf8"));
  assert.ok(hung > 0);
  assert.equal(alive(hung), false, `the hung Jupyter ${hung} is still running`);
});

for (const f of flavours) {
  describe(`crash recovery and restart with ${f.id}`, { skip: f.skip }, () => {
    test("the supervisor ignores SIGHUP and stops the tree cleanly on SIGINT", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const sb = sandbox();
      t.after(() => sb.cleanup());
      const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort())], sb.env);
      assert.equal(r.code, 0, r.stderr);
      const s = await status(sb);
      process.kill(s.supervisorPid, "SIGHUP");
      await waitFor("SIGHUP logged", () =>
        readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8").includes("SIGHUP ignored"),
      );
      assert.equal((await status(sb)).state, "running");
      assert.equal(await httpStatus(s.url), 200);
      const tree = descendantsOf(s.supervisorPid);
      process.kill(s.supervisorPid, "SIGINT");
      await waitFor("supervisor exit", () => !alive(s.supervisorPid), 15_000);
      assert.deepEqual(tree.filter(alive), []);
      assert.equal((await status(sb)).state, "stopped");
    });

    test("restart gives a new Jupyter on the same URL; logs shows both logs", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const sb = sandbox();
      t.after(() => sb.cleanup());
      const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort())], sb.env);
      assert.equal(r.code, 0, r.stderr);
      const s = await status(sb);
      const rr = await runCli(["restart"], sb.env);
      assert.equal(rr.code, 0, rr.stderr);
      assert.equal(rr.stdout.trim(), s.url);
      const after = await status(sb);
      assert.notEqual(after.jupyterPid, s.jupyterPid);
      assert.equal(after.supervisorPid, s.supervisorPid);
      assert.equal(alive(s.jupyterPid), false);
      assert.equal(await httpStatus(s.url), 200);
      const logs = await runCli(["logs", "-n", "100"], sb.env);
      assert.match(logs.stdout, /==> supervisor: .*supervisor\.log <==/);
      assert.match(logs.stdout, /restart requested/);
      assert.match(logs.stdout, /==> jupyter: .*jupyter\.log <==/);
      assert.match(logs.stdout, /Jupyter Server .* is running at/);
      assert.match(logs.stdout, /settings applied/);
      assert.equal((await runCli(["stop"], sb.env)).code, 0);
      const again = await runCli(["restart"], sb.env);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim() === s.url, false, "a fresh start gets a fresh token");
      assert.equal(await httpStatus(again.stdout.trim()), 200);
    });
  });
}
