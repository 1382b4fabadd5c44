import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { test } from "node:test";
import { probeStatus } from "../../../src/io/http-probe.js";
import { isPortFree } from "../../../src/io/ports.js";

test("a probe of a socket that accepts but never answers gives 0 within its timeout", async (t) => {
  const sockets: Socket[] = [];
  const srv = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    srv.close();
  });
  const port = (srv.address() as { port: number }).port;
  const t0 = Date.now();
  assert.equal(await probeStatus({ port }, "tok", 300), 0);
  assert.ok(Date.now() - t0 < 3000);
  assert.equal(await isPortFree(port), false);
});

test("a probe of a closed port gives 0", async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  assert.equal(await probeStatus({ port }, null, 500), 0);
  assert.equal(await isPortFree(port), true);
});
