// rawGetStatus: the status line of a GET over a plain socket, with a timeout, against real servers.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createServer as createTcpServer, type Server } from "node:net";
import { test } from "node:test";
import { rawGetStatus, statusCode } from "../../../src/io/raw-http.js";

function listening(srv: Server | ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve((srv.address() as { port: number }).port)));
}

test("statusCode reads HTTP/1.x status lines and nothing else", () => {
  for (const [head, code] of [
    ["HTTP/1.1 200 OK\r\n", 200],
    ["HTTP/1.0 403 Forbidden\r\n", 403],
    ["HTTP/1.1 302\r\n", 302],
    ["SSH-2.0-OpenSSH\r\n", 0],
    ["", 0],
    ["HTTP/2 200\r\n", 0],
  ] as const) {
    assert.equal(statusCode(head), code, JSON.stringify(head));
  }
});

test("rawGetStatus sends the path and headers and returns the server's status; 0 when nothing or a mute listener answers", async () => {
  const seen: { url?: string; auth?: string } = {};
  const srv = createServer((req, res) => {
    seen.url = req.url;
    seen.auth = req.headers.authorization;
    res.writeHead(req.headers.authorization === "token t1" ? 200 : 403).end("{}");
  });
  const port = await listening(srv);
  // Accepts and reads, never answers.
  const mute = createTcpServer((s) => s.resume());
  const mutePort = await listening(mute);
  try {
    assert.equal(await rawGetStatus(port, "/api/status", { Authorization: "token t1" }, 2000), 200);
    assert.deepEqual(seen, { url: "/api/status", auth: "token t1" });
    assert.equal(await rawGetStatus(port, "/api/status", {}, 2000), 403);
    const t0 = Date.now();
    assert.equal(await rawGetStatus(mutePort, "/api/status", {}, 300), 0);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
    await new Promise((r) => mute.close(r));
  }
  assert.equal(await rawGetStatus(port, "/api/status", {}, 2000), 0, "nothing listens");
});

test("rawGetStatus reaches a unix socket and another address, with the Host header node:http would send; an endless status line gives up", async (t) => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "jlr-rawhttp-"));
  const hosts: (string | undefined)[] = [];
  const srv = createServer((req, res) => {
    hosts.push(req.headers.host);
    res.writeHead(204).end();
  });
  const sock = join(dir, "j.sock");
  await new Promise<void>((r) => srv.listen(sock, r));
  const srv2 = createServer((req, res) => {
    hosts.push(req.headers.host);
    res.writeHead(200).end();
  });
  const port2 = await new Promise<number>((r) =>
    srv2.listen(0, "127.0.0.2", () => r((srv2.address() as { port: number }).port)),
  );
  // Sends bytes without ever ending the status line.
  const babbler = createTcpServer((s) => {
    s.resume();
    s.write("H".repeat(10_000));
  });
  const port3 = await listening(babbler);
  t.after(async () => {
    for (const s of [srv, srv2]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await new Promise((r) => babbler.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal(await rawGetStatus({ socket: sock }, "/api/status", {}, 2000), 204);
  assert.equal(await rawGetStatus({ port: port2, host: "127.0.0.2" }, "/api/status", {}, 2000), 200);
  assert.deepEqual(hosts, ["localhost", `127.0.0.2:${port2}`]);
  assert.equal(await rawGetStatus(port3, "/api/status", {}, 5000), 0);
});
