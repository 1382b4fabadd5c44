// jllocal over a real sshd: it follows the remote base_url, and never sends the token through the tunnel to a TCP port
// the remote jlremote has not verified as its Jupyter's.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, httpStatus, killRecorded, sandbox, type Sandbox } from "../helpers/cli.js";
import { killLocalMasters, runJllocal } from "../helpers/jllocal.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

describe("jllocal and the remote's listener checks", { skip: process.getuid?.() !== 0 && "sshd on loopback needs root here" }, () => {
  let sb: Sandbox;
  let sshd: Sshd | undefined;
  let env: Record<string, string> = {};
  let home = "";
  let remoteState = "";
  let localRoot = "";
  const args = (...rest: string[]) => [...rest, "--ssh-config", (sshd as Sshd).sshConfig];

  before(async () => {
    sb = sandbox();
    home = join(sb.dir, "remote-home");
    remoteState = join(sb.dir, "remote-state");
    mkdirSync(join(home, ".local", "bin"), { recursive: true });
    mkdirSync(join(home, "work"));
    mkdirSync(join(home, "jc"));
    // The remote user's Jupyter config: a base_url, and auth switched off (jlremote's config file must win).
    for (const f of ["jupyter_notebook_config.py", "jupyter_server_config.py"]) {
      writeFileSync(join(home, "jc", f), "c.NotebookApp.base_url = '/jl/'\nc.ServerApp.base_url = '/jl/'\nc.NotebookApp.token = ''\nc.ServerApp.token = ''\n");
    }
    const launcher = join(home, ".local", "bin", "jlremote");
    writeFileSync(launcher, `#!/bin/sh\ncd "$HOME/work" || exit 1\nexec ${process.execPath} ${CLI} "$@"\n`);
    chmodSync(launcher, 0o755);
    sshd = await startSshd(sb.dir, {
      HOME: home, PATH: "/usr/bin:/bin", XDG_STATE_HOME: remoteState, XDG_CONFIG_HOME: join(home, ".config"),
      JUPYTER_RUNTIME_DIR: join(home, "jr"), JUPYTER_CONFIG_DIR: join(home, "jc"), JUPYTER_DATA_DIR: join(home, "jd"),
      IPYTHONDIR: join(home, "ipython"), LANG: "C.UTF-8",
    });
    env = { ...sb.env };
    localRoot = join(env.XDG_STATE_HOME as string, "jlremote", "local");
  });

  after(async () => {
    if (sshd) await killLocalMasters(localRoot, sshd.sshConfig).catch(() => {});
    killRecorded(join(remoteState, "jlremote"));
    if (sshd) await sshd.stop();
    if (sb) await sb.cleanup();
  });

  test("the local URL and the health check follow the remote base_url", async () => {
    const r = await runJllocal(args("jlr-test", "--no-browser", "--json"), env, 120_000);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { url: string };
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/jl\/tree\?token=[0-9a-f]{16,}$/);
    assert.equal(await httpStatus(info.url), 200);
    assert.equal(await httpStatus(info.url.replace(/\?token=.*$/, "").replace("/tree", "/api/contents")), 403, "served open");
    const st = await runJllocal(["status", "--json"], env);
    const rows = JSON.parse(st.stdout) as { healthy: boolean; url: string }[];
    assert.deepEqual(rows.map((x) => [x.url, x.healthy]), [[info.url, true]]);
  });

  test("a remote status without listenerVerifiedAt: jllocal refuses in one line and sends the token nowhere", async (t) => {
    const seen: IncomingHttpHeaders[] = [];
    const srv = createServer((req, res) => { seen.push(req.headers); res.end("{}"); });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    t.after(() => srv.close());
    const port = (srv.address() as { port: number }).port;
    const token = "f".repeat(48);
    const statusFile = join(home, "fake-status.json");
    writeFileSync(statusFile, JSON.stringify({ schema: 1, name: "fake", state: "running", host: "x", elsewhere: false, port, socket: null, token, app: "server", baseUrl: "/", listenerVerifiedAt: null, reason: null }));
    const fake = join(home, "fake-jlremote");
    writeFileSync(fake, `#!/bin/sh\ncat ${statusFile}\n`);
    chmodSync(fake, 0o755);
    const r = await runJllocal(args("jlr-test", "--no-browser", "--name", "fake", "--remote-cmd", fake), env);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^jllocal: the remote jlremote has not verified that port ${port} on jlr-test is its Jupyter's .*not sending the token`));
    for (const h of seen) assert.ok(!JSON.stringify(h).includes(token), "the unverified listener got the token");
  });
});
