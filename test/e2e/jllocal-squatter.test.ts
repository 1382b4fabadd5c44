// The laptop flow against a neighbour of another uid racing for the remote port through a SIGKILL of Jupyter and a
// `jlremote restart`: what an open tab, `jllocal status` and a second `jllocal` send afterwards opens nothing for it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { after, before, describe, type TestContext, test } from "node:test";
import { alive, freePort, runCli, waitFor } from "../helpers/cli.js";
import { remoteRecord, runJllocal, startJllocalWorld, type JllocalWorld } from "../helpers/jllocal.js";
import { loginCookie, withCookie } from "../helpers/login.js";
import { capturedCredentials, openedBy, startSquatter, type Squatter } from "../helpers/squatter.js";
import { forwardSpec, type ForwardTarget } from "../../src/core/ssh-command.js";

/** GET /api/contents on a new connection with these headers; resolves when answered or refused. */
function freshRequest(port: number, headers: Record<string, string>): Promise<void> {
  return new Promise((done) => {
    const req = get(
      { host: "127.0.0.1", port, path: "/api/contents", headers, agent: false, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on("end", () => done());
      },
    );
    req.on("error", () => done());
    req.on("timeout", () => req.destroy());
  });
}

interface Recorded {
  state: string;
  port: number | null;
  socket: string | null;
  token: string;
  jupyter: { pid: number } | null;
}

describe("jllocal with a squatter of another uid on the remote host", {
  skip: process.getuid?.() !== 0 && "sshd on loopback and setpriv need root here",
  timeout: 600_000,
}, () => {
  let world: JllocalWorld | undefined;
  let remoteEnv: Record<string, string> = {};
  const w = () => world as JllocalWorld;
  const args = (...rest: string[]) => [
    "jlr-test",
    "--no-browser",
    "--json",
    ...rest,
    "--ssh-config",
    w().sshd.sshConfig,
  ];
  /** jllocal's tunnel record of instance `name` (one host here). */
  const tunnelFile = (name: string) =>
    readdirSync(join(w().localRoot, "tunnels")).find((f) => f.endsWith(`-${name}.json`)) as string;
  const recorded = (name: string) => remoteRecord<Recorded>(w().remoteState, name);
  const runningAgain = (name: string, before: number) =>
    waitFor(
      "running again",
      () => {
        const r = recorded(name);
        return r?.state === "running" && r.jupyter && r.jupyter.pid !== before ? r : null;
      },
      120_000,
    );
  /** What an open tab sends after the restart: its API call with the token, and its login cookie. */
  const tab = async (localPort: number, token: string, cookie: string) => {
    const api = await fetch(`http://127.0.0.1:${localPort}/api/contents`, {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(10_000),
    }).then(
      (r) => r.status,
      () => 0,
    );
    return { api, cookie: await withCookie(localPort, cookie) };
  };

  before(async () => {
    world = await startJllocalWorld();
    const home = w().home;
    remoteEnv = {
      PATH: "/usr/bin:/bin",
      HOME: home,
      XDG_STATE_HOME: w().remoteState,
      XDG_CONFIG_HOME: join(home, ".config"),
      JUPYTER_RUNTIME_DIR: join(home, "jr"),
      JUPYTER_CONFIG_DIR: join(home, "jc"),
      JUPYTER_DATA_DIR: join(home, "jd"),
      IPYTHONDIR: join(home, "ipython"),
      LANG: "C.UTF-8",
    };
  });
  after(async () => {
    await world?.end();
  });

  test("laptop flow: jllocal starts the instance on its unix socket; a SIGKILL keeps the local URL and the tab working", async () => {
    const r = await runJllocal(args("--name", "sockflow"), w().env, 180_000);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { url: string; localPort: number; target: { socket?: string } };
    const s = recorded("sockflow") as Recorded;
    assert.equal(s.port, null, "the instance has a TCP port");
    assert.equal(info.target.socket, s.socket);
    const cookie = await loginCookie(info.localPort, s.token);
    process.kill((s.jupyter as { pid: number }).pid, "SIGKILL");
    const back = await runningAgain("sockflow", (s.jupyter as { pid: number }).pid);
    assert.equal(back.token, s.token);
    assert.deepEqual(await tab(info.localPort, s.token, cookie), { api: 200, cookie: 200 });
    const again = await runJllocal(args("--name", "sockflow"), w().env, 120_000);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout.trim()) as { url: string }).url, info.url);
  });

  /**
   * A tab logged in through jllocal's tunnel to instance `name`; the forward goes (the master stays), a neighbour of
   * another uid takes the local port, and the tab's next request hands it the token and the login cookie. Then a warm
   * `jllocal`: it must send the squatter no token, move the local URL and have the credentials replaced, so that what
   * the squatter got opens nothing through the new local port. Returns the record before and after.
   */
  const squatLocalPort = async (t: TestContext, name: string, info: { localPort: number; target: ForwardTarget }) => {
    const s = recorded(name) as Recorded;
    const cookie = await loginCookie(info.localPort, s.token);
    const record = JSON.parse(readFileSync(join(w().localRoot, "tunnels", tunnelFile(name)), "utf8")) as {
      controlPath: string;
    };
    const spec = forwardSpec(info.localPort, info.target);
    const cancel = spawnSync("ssh", ["-S", record.controlPath, "-O", "cancel", "-L", spec, "x"], { encoding: "utf8" });
    assert.equal(cancel.status, 0, cancel.stderr);
    const sq: Squatter = startSquatter(t);
    sq.aim(info.localPort);
    await sq.bound();
    // Cookies for 127.0.0.1 go to every port. (On a new connection: the test's pooled ones still run through the
    // cancelled forward's open channels.)
    await freshRequest(info.localPort, { Authorization: `token ${s.token}`, Cookie: cookie });
    await waitFor("the tab's cookie at the squatter", () => capturedCredentials(sq).cookies.length > 0, 10_000);
    const carrying = (k: string) => sq.requests().filter((req) => req.includes(k)).length;
    const fromTab = carrying(s.token);
    const warm = await runJllocal(args("--name", name), w().env, 120_000);
    // jllocal sent the squatter no token: not the old one again (only the tab's request carries it), no other one.
    assert.equal(carrying(s.token), fromTab, sq.requests().join("\n"));
    assert.deepEqual(
      capturedCredentials(sq).tokens.filter((k) => k !== s.token),
      [],
      sq.requests().join("\n"),
    );
    assert.equal(warm.code, 0, warm.stderr);
    const now = JSON.parse(warm.stdout.trim()) as { url: string; localPort: number };
    assert.notEqual(now.localPort, info.localPort);
    assert.match(
      warm.stderr,
      new RegExp(
        `^jllocal: the local URL moved from port ${info.localPort} to ${now.localPort} \\(local port ${info.localPort} is held by another process \\(uid 65534, pid ${sq.pid}\\).*token and login-cookie secret were replaced.*close browser tabs`,
        "m",
      ),
    );
    // New credentials: what the tab sent the squatter opens nothing through the new local port; the new URL works.
    const live = recorded(name) as Recorded;
    assert.notEqual(live.token, s.token);
    assert.deepEqual(await openedBy(sq, now.localPort), []);
    assert.equal((await fetch(now.url, { signal: AbortSignal.timeout(10_000) })).status, 200);
    return { before: s, live };
  };

  test("socket instance, its forward gone and the local port taken by another uid: the warm run sends it no token, and what a tab sent it opens nothing", async (t) => {
    const r = await runJllocal(args("--name", "localsq"), w().env, 180_000);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { localPort: number; target: ForwardTarget };
    assert.ok("socket" in info.target && info.target.socket === recorded("localsq")?.socket, r.stdout);
    // (Kernels outliving that restart: test/e2e/kernel-adoption.test.ts; this notebook 6 cannot hand them over.)
    await squatLocalPort(t, "localsq", info);
  });

  test("TCP instance, its forward gone and the local port taken by another uid: the warm run sends it no token, and what a tab sent it opens nothing", async (t) => {
    const name = "localsq-tcp";
    const start = await runCli(["start", "--app", "server", "--name", name], remoteEnv, { cwd: w().home });
    assert.equal(start.code, 0, start.stderr);
    const r = await runJllocal(args("--name", name), w().env, 120_000);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { localPort: number; target: ForwardTarget };
    const port = recorded(name)?.port;
    assert.ok(typeof port === "number" && "port" in info.target && info.target.port === port, r.stdout);
    const { live } = await squatLocalPort(t, name, info);
    assert.equal(live.port, port, "the remote port stays (only the local one was taken)");
  });

  for (const how of ["crash", "restart"] as const)
    for (const mode of ["auto port", "--port"] as const)
      test(`TCP instance (${mode}), ${how === "crash" ? "SIGKILL of Jupyter" : "jlremote restart"}: nothing the squatter received opens the instance`, async (t) => {
        const name = `tcp-${how}-${mode === "--port" ? "explicit" : "auto"}`;
        const explicit = mode === "--port" ? await freePort() : null;
        const start = await runCli(
          ["start", "--app", "server", "--name", name, ...(explicit ? ["--port", String(explicit)] : [])],
          remoteEnv,
          { cwd: w().home },
        );
        assert.equal(start.code, 0, start.stderr);
        const r = await runJllocal(args("--name", name), w().env, 120_000);
        assert.equal(r.code, 0, r.stderr);
        const info = JSON.parse(r.stdout.trim()) as { localPort: number };
        const s = recorded(name) as Recorded;
        const cookie = await loginCookie(info.localPort, s.token);
        const sq: Squatter = startSquatter(t);
        sq.aim(s.port as number);
        const pid = (s.jupyter as { pid: number }).pid;
        if (how === "crash") process.kill(pid, "SIGKILL");
        const restart =
          how === "restart" ? runCli(["restart", "--name", name], remoteEnv, { timeoutMs: 120_000 }) : null;
        await sq.bound();
        if (restart) await restart;
        const now = explicit
          ? await waitFor("failed", () => (recorded(name)?.state === "failed" ? recorded(name) : null), 120_000)
          : await runningAgain(name, pid);
        // The tab, `jllocal status` and a second `jllocal` after the restart.
        await tab(info.localPort, s.token, cookie);
        const st = await runJllocal(["status", "--json"], w().env);
        assert.equal(st.code, 0, st.stderr);
        const second = await runJllocal(args("--name", name), w().env, 120_000);
        if (explicit) {
          // Its port is held: the instance stays down, and the next start after the squatter left has a new token.
          assert.notEqual(second.code, 0, second.stdout);
          process.kill(sq.pid, "SIGKILL");
          await waitFor("squatter gone", () => !alive(sq.pid), 10_000);
          const third = await runJllocal(args("--name", name), w().env, 120_000);
          assert.equal(third.code, 0, third.stderr);
        } else {
          assert.equal(second.code, 0, second.stderr);
          assert.match(second.stderr, /now listens on port \d+ with a new token \(.*taken by another process/);
          const moved = JSON.parse(second.stdout.trim()) as { url: string; localPort: number };
          assert.equal((await fetch(moved.url, { signal: AbortSignal.timeout(10_000) })).status, 200);
        }
        const live = recorded(name) as Recorded;
        assert.equal(live.state, "running");
        assert.notEqual(live.token, s.token);
        assert.ok(sq.requests().length > 0, "the squatter got the tab's requests (the test would prove nothing)");
        assert.deepEqual(await openedBy(sq, live.port as number), [], `state ${now?.state}`);
      });
});
