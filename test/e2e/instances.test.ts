// End-to-end: unix-socket mode and named instances side by side.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, alive, freePort, httpStatus, runCli, sandbox } from "../helpers/cli.js";
import { flavourArgs, flavours } from "../helpers/flavours.js";
import { status } from "../helpers/jupyter.js";

function curlUnix(socket: string, token: string | null): string {
  const args = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--unix-socket", socket];
  if (token) args.push("-H", `Authorization: token ${token}`);
  return spawnSync("curl", [...args, "http://localhost/api/status"], { encoding: "utf8" }).stdout;
}

for (const f of flavours) {
  test(`--sock serves ${f.id} on a 0600 unix socket in the state dir, no TCP port; the socket goes away on stop`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    // A stale socket file from a crashed run is replaced.
    const stale = `${sb.stateDir()}/jupyter.sock`;
    await new Promise<void>((res) => {
      spawnSync("mkdir", ["-p", "-m", "700", sb.stateDir()]);
      const srv = createServer().listen(stale, () => {
        srv.close(() => res());
      });
    });
    const r = await runCli(["start", "--sock", ...flavourArgs(f), "--json"], sb.env);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { socket: string; port: number | null; token: string; url: string };
    assert.equal(s.socket, stale);
    assert.equal(s.port, null);
    assert.match(
      s.url,
      f.app === "lab"
        ? /^http\+unix:\/\/%2F.*jupyter\.sock\/lab\?token=/
        : /^http\+unix:\/\/%2F.*jupyter\.sock\/\?token=/,
    );
    assert.equal(statSync(s.socket).mode & 0o777, 0o600);
    assert.equal(curlUnix(s.socket, s.token), "200");
    assert.equal(curlUnix(s.socket, null), "403");
    assert.equal((await status(sb)).code, 0);
    assert.equal((await runCli(["stop"], sb.env)).code, 0);
    assert.equal(existsSync(s.socket), false);
  });
}

test("--sock with --port is a usage error", { timeout: E2E_TIMEOUT_MS }, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const r = await runCli(["start", "--sock", "--port", "9999"], sb.env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--sock and --port/);
});

test("named instances run side by side; list shows all; stopping one leaves the other", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const a = await runCli(["start", "--name", "alpha", "--app", "server", "--port", String(await freePort())], sb.env);
  const b = await runCli(["start", "--name", "beta", "--app", "server", "--sock"], sb.env);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const list = await runCli(["list", "--json"], sb.env);
  const rows = JSON.parse(list.stdout) as { name: string; state: string; jupyterPid: number }[];
  assert.deepEqual(
    rows.map((x) => [x.name, x.state]),
    [
      ["alpha", "running"],
      ["beta", "running"],
    ],
  );
  assert.equal((await runCli(["stop", "--name", "alpha"], sb.env)).code, 0);
  const after = JSON.parse((await runCli(["list", "--json"], sb.env)).stdout) as {
    name: string;
    state: string;
    jupyterPid: number;
  }[];
  assert.deepEqual(
    after.map((x) => [x.name, x.state]),
    [
      ["alpha", "stopped"],
      ["beta", "running"],
    ],
  );
  assert.ok(alive(rows[1]?.jupyterPid ?? 0));
  assert.equal(await httpStatus(a.stdout.trim()), 0);
  const text = await runCli(["list"], sb.env);
  assert.match(text.stdout, /^alpha\s+stopped/m);
  assert.match(text.stdout, /^beta\s+running/m);
});
