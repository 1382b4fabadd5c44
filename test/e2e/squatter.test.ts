// A port squatter of another uid binds Jupyter's port while it (re)starts: it never gets the token, the instance is
// never `running` on its port, and jlremote recovers (another port) or, with --port, fails naming the holder.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  E2E_TIMEOUT_MS,
  CLI,
  alive,
  freePort,
  httpStatus,
  killPid,
  runCli,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import { status } from "../helpers/jupyter.js";
import { startSquatter, type Squatter } from "../helpers/squatter.js";

const skip = process.getuid?.() !== 0 && "setpriv to uid 65534 needs root";

function stateOf(sb: Sandbox): { port: number | null; jupyter: { pid: number } | null; token: string } | null {
  try {
    return JSON.parse(readFileSync(`${sb.stateDir()}/state.json`, "utf8"));
  } catch {
    return null;
  }
}

function assertNoToken(sq: Squatter, token: string): void {
  // Only our token counts: on a shared test machine other (older) jlremotes probing ports 8888+ may knock too.
  for (const r of sq.requests()) assert.ok(!r.includes(token), `the squatter received the token: ${r}`);
}

/** Run `start` in the background and aim the squatter at the port as soon as Jupyter is spawned (before it binds). */
async function startWithSquatter(t: { after: (fn: () => unknown) => void }, sb: Sandbox, args: string[]) {
  const sq = startSquatter(t);
  const child = spawn(process.execPath, [CLI, "start", "--app", "server", ...args], {
    env: sb.env,
    cwd: sb.dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => killPid(child.pid));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<number | null>((r) => child.on("close", r));
  const first = await waitFor(
    "jupyter spawned",
    () => {
      const s = stateOf(sb);
      return s?.jupyter && s.port !== null ? s : null;
    },
    30_000,
    2,
  );
  sq.aim(first.port as number);
  await sq.bound();
  const code = await done;
  return { sq, code, stdout, stderr, squatted: first.port as number, token: first.token };
}

test("first start: a squatter on the chosen port gets no token and jlremote moves to another port", {
  timeout: E2E_TIMEOUT_MS,
  skip,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await startWithSquatter(t, sb, []);
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  assert.equal(s.state, "running");
  assert.notEqual(s.port, r.squatted);
  assert.ok(s.listenerVerifiedAt);
  assert.equal(await httpStatus(s.url), 200);
  assertNoToken(r.sq, s.token);
  assert.match(readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"), /uid 65534/);
});

test("first start with --port: a squatter on it gets no token and start fails naming the holder", {
  timeout: E2E_TIMEOUT_MS,
  skip,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const r = await startWithSquatter(t, sb, ["--port", String(port)]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`port ${port} is held by another process \\(uid 65534, pid ${r.sq.pid}\\)`));
  assert.equal(r.stderr.trim().split("\n")[0]?.includes("jlremote: Jupyter did not start"), true, r.stderr);
  const s = await status(sb);
  assert.equal(s.state, "failed");
  assertNoToken(r.sq, r.token);
  assert.match(readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"), /uid 65534/);
});

async function runningInstance(t: { after: (fn: () => unknown) => void }, args: string[]) {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await runCli(["start", "--app", "server", ...args], sb.env);
  assert.equal(r.code, 0, r.stderr);
  return { sb, s: await status(sb) };
}

for (const how of ["crash", "restart"] as const) {
  test(`${how === "crash" ? "crash restart (SIGKILL)" : "jlremote restart"}: a squatter that takes the port gets no token; Jupyter comes back on another port`, {
    timeout: E2E_TIMEOUT_MS,
    skip,
  }, async (t) => {
    const { sb, s } = await runningInstance(t, []);
    const sq = startSquatter(t);
    sq.aim(s.port as number);
    if (how === "crash") process.kill(s.jupyterPid, "SIGKILL");
    const restart = how === "restart" ? runCli(["restart"], sb.env) : null;
    await sq.bound();
    const back = await waitFor(
      "running again",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      60_000,
    );
    if (restart) {
      const r = await restart;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), back.url);
    }
    assert.notEqual(back.port, s.port, "running on the squatter's port");
    assert.equal(back.token, s.token);
    assert.equal(await httpStatus(back.url), 200);
    assertNoToken(sq, s.token);
    assert.ok(alive(sq.pid));
    assert.match(readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"), /uid 65534/);
  });
}

test("crash restart with --port: a squatter gets no token, the instance fails and the log names the holder", {
  timeout: E2E_TIMEOUT_MS,
  skip,
}, async (t) => {
  const port = await freePort();
  const { sb, s } = await runningInstance(t, ["--port", String(port)]);
  const sq = startSquatter(t);
  sq.aim(port);
  process.kill(s.jupyterPid, "SIGKILL");
  await sq.bound();
  const failed = await waitFor(
    "failed",
    async () => {
      const x = await status(sb);
      return x.state === "failed" ? x : null;
    },
    60_000,
  );
  assert.match(
    failed.reason ?? "",
    new RegExp(`port ${port} is held by another process \\(uid 65534, pid ${sq.pid}\\)`),
  );
  assert.match(readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"), /uid 65534/);
  assertNoToken(sq, s.token);
  await waitFor("the supervisor exits after giving up", () => !alive(s.supervisorPid), 10_000);
});
