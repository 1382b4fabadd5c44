// jllocal over a real sshd: it follows the remote base_url, and never sends the token through the tunnel to a TCP port
// the remote jlremote has not verified as its Jupyter's.
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { E2E_TIMEOUT_MS, httpStatus } from "../helpers/cli.js";
import { runJllocal, startJllocalWorld, type JllocalWorld } from "../helpers/jllocal.js";
import type { Sshd } from "../helpers/sshd.js";

describe("jllocal and the remote's listener checks", {
  skip: process.getuid?.() !== 0 && "sshd on loopback needs root here",
}, () => {
  let sshd: Sshd | undefined;
  let env: Record<string, string> = {};
  let home = "";
  const args = (...rest: string[]) => [...rest, "--ssh-config", (sshd as Sshd).sshConfig];

  let world: JllocalWorld | undefined;
  before(
    async () => {
      world = await startJllocalWorld();
      ({ sshd, home, env } = world);
      // The remote user's Jupyter config: a base_url, and auth switched off (jlremote's config file must win).
      for (const f of ["jupyter_notebook_config.py", "jupyter_server_config.py"]) {
        writeFileSync(
          join(home, "jc", f),
          "c.NotebookApp.base_url = '/jl/'\nc.ServerApp.base_url = '/jl/'\nc.NotebookApp.token = ''\nc.ServerApp.token = ''\n",
        );
      }
    },
    { timeout: E2E_TIMEOUT_MS },
  );

  after(
    async () => {
      await world?.end();
    },
    { timeout: E2E_TIMEOUT_MS },
  );

  test("the local URL and the health check follow the remote base_url", { timeout: E2E_TIMEOUT_MS }, async () => {
    const r = await runJllocal(args("jlr-test", "--no-browser", "--json"), env, 120_000);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { url: string };
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/jl\/tree\?token=[0-9a-f]{16,}$/);
    assert.equal(await httpStatus(info.url), 200);
    assert.equal(
      await httpStatus(info.url.replace(/\?token=.*$/, "").replace("/tree", "/api/contents")),
      403,
      "served open",
    );
    const st = await runJllocal(["status", "--json"], env);
    const rows = JSON.parse(st.stdout) as { healthy: boolean; url: string }[];
    assert.deepEqual(
      rows.map((x) => [x.url, x.healthy]),
      [[info.url, true]],
    );
  });

  test("a remote status without listenerVerifiedAt: jllocal refuses in one line and sends the token nowhere", {
    timeout: E2E_TIMEOUT_MS,
  }, async (t) => {
    const seen: IncomingHttpHeaders[] = [];
    const srv = createServer((req, res) => {
      seen.push(req.headers);
      res.end("{}");
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    t.after(() => srv.close());
    const port = (srv.address() as { port: number }).port;
    const token = "f".repeat(48);
    const statusFile = join(home, "fake-status.json");
    writeFileSync(
      statusFile,
      JSON.stringify({
        schema: 1,
        name: "fake",
        state: "running",
        host: "x",
        elsewhere: false,
        port,
        socket: null,
        token,
        app: "server",
        baseUrl: "/",
        listenerVerifiedAt: null,
        reason: null,
      }),
    );
    const fake = join(home, "fake-jlremote");
    writeFileSync(fake, `#!/bin/sh\ncat ${statusFile}\n`);
    chmodSync(fake, 0o755);
    const r = await runJllocal(args("jlr-test", "--no-browser", "--name", "fake", "--remote-cmd", fake), env);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^jllocal: the remote jlremote has not verified that port ${port} on jlr-test is its Jupyter's .*not sending the token`,
      ),
    );
    for (const h of seen) assert.ok(!JSON.stringify(h).includes(token), "the unverified listener got the token");
  });
});
