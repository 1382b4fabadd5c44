// Credentials end with the instance: a login cookie from before `stop` opens nothing after the next `start`, and no file
// another user may read holds the token, also when the user's Jupyter runtime dir is world-readable and Jupyter is killed.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { alive, freePort, httpStatus, runCli, sandbox, waitFor } from "../helpers/cli.js";
import { debian, flavourArgs, flavours } from "../helpers/flavours.js";
import { status } from "../helpers/jupyter.js";
import { loginCookie, withCookie } from "../helpers/login.js";

/** Every file under `dir` that group or others may read and that holds `secret`. */
function readableHolders(dir: string, secret: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && (st.mode & 0o044) !== 0 && readFileSync(p, "utf8").includes(secret)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

for (const f of flavours) {
  test(`${f.id}: a login cookie from before stop gets 403 after the next start on the same port`, {
    skip: f.skip,
    timeout: 300_000,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    const port = await freePort();
    const args = ["start", ...flavourArgs(f), "--port", String(port), "--timeout", "150"];
    const first = await runCli(args, sb.env, { timeoutMs: 200_000 });
    assert.equal(first.code, 0, first.stderr);
    const s1 = await status(sb);
    const cookie = await loginCookie(port, s1.token);
    assert.equal(await withCookie(port, cookie), 200, "the cookie opens the running instance");
    const secret1 = readFileSync(join(sb.stateDir(), "cookie-secret"), "utf8");
    assert.equal(statSync(join(sb.stateDir(), "cookie-secret")).mode & 0o777, 0o600);
    assert.equal((await runCli(["stop"], sb.env)).code, 0);
    const second = await runCli(args, sb.env, { timeoutMs: 200_000 });
    assert.equal(second.code, 0, second.stderr);
    const s2 = await status(sb);
    assert.equal(s2.port, port);
    assert.notEqual(s2.token, s1.token);
    assert.notEqual(readFileSync(join(sb.stateDir(), "cookie-secret"), "utf8"), secret1);
    assert.equal(await withCookie(port, cookie), 403, "the old cookie opens the new instance");
    assert.equal(await withCookie(port, await loginCookie(port, s2.token)), 200, "a new login works");
  });

  test(`${f.id}: a crash restart keeps the login cookie working (same token, same secret)`, {
    skip: f.skip,
    timeout: 300_000,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    // Its own free port: on a shared test machine another test may take 8888 in the restart window (a legitimate move).
    const port = await freePort();
    const r = await runCli(["start", ...flavourArgs(f), "--port", String(port), "--timeout", "150"], sb.env, {
      timeoutMs: 200_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const s = await status(sb);
    const cookie = await loginCookie(s.port as number, s.token);
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "running again",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      150_000,
    );
    assert.equal(back.port, s.port);
    assert.equal(await withCookie(s.port as number, cookie), 200);
  });

  test(`${f.id}: with a 0755 JUPYTER_RUNTIME_DIR no file others may read holds the token, also after a SIGKILL restart`, {
    skip: f.skip,
    timeout: 300_000,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    mkdirSync(sb.env.JUPYTER_RUNTIME_DIR as string, { mode: 0o755 });
    const r = await runCli(["start", ...flavourArgs(f), "--timeout", "150"], sb.env, { timeoutMs: 200_000 });
    assert.equal(r.code, 0, r.stderr);
    const s = await status(sb);
    assert.equal(await httpStatus(s.url), 200);
    assert.deepEqual(readableHolders(sb.dir, s.token), []);
    assert.deepEqual(
      readdirSync(sb.env.JUPYTER_RUNTIME_DIR as string),
      [],
      "nothing is written to a shared runtime dir",
    );
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "running again",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      150_000,
    );
    assert.deepEqual(readableHolders(sb.dir, back.token), []);
    assert.deepEqual(readdirSync(sb.env.JUPYTER_RUNTIME_DIR as string), []);
    // The killed Jupyter's own files (in the instance's private runtime dir) are gone; only the live one's remain.
    const own = readdirSync(join(sb.stateDir(), "runtime")).filter((n) => /^(jp|nb)server-/.test(n));
    assert.ok(
      own.every((n) => n.includes(String(back.jupyterPid))),
      `stale runtime files of pid ${s.jupyterPid}: ${own.join(", ")}`,
    );
    assert.ok(!own.some((n) => n.endsWith("-open.html")), `a browser-open page: ${own.join(", ")}`);
  });
}

test("restart --new-credentials after supervisor and Jupyter both died: the instance does not come back with its old token", {
  timeout: 300_000,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const r = await runCli(["start", ...flavourArgs(debian), "--port", String(port)], sb.env, {
    timeoutMs: 200_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  const cookie = await loginCookie(port, s.token);
  process.kill(s.supervisorPid, "SIGKILL");
  process.kill(s.jupyterPid, "SIGKILL");
  await waitFor("both gone", () => !alive(s.supervisorPid) && !alive(s.jupyterPid));
  const again = await runCli(["restart", "--new-credentials"], sb.env, { timeoutMs: 200_000 });
  assert.equal(again.code, 0, again.stderr);
  const now = await status(sb);
  assert.equal(now.state, "running");
  assert.notEqual(now.token, s.token, "the crashed instance's token came back");
  assert.equal(again.stdout.trim(), now.url);
  assert.match(JSON.stringify((now as { credentialsRotated?: unknown }).credentialsRotated), /asked for/);
  assert.equal(await withCookie(port, cookie), 403, "the old login cookie opens the instance");
  assert.equal(await httpStatus(`http://127.0.0.1:${port}/api/status`, { Authorization: `token ${s.token}` }), 403);
  assert.equal(existsSync(join(sb.stateDir(), "new-credentials")), false, "the request was not taken");
});
