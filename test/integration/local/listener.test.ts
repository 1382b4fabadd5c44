// listensOn: who holds the socket listening on a local port, read from /proc (the warm path's forward check).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { test } from "node:test";
import { listensOn } from "../../../src/local/listener.js";

function listen(): Promise<{ srv: Server; port: number }> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => resolve({ srv, port: (srv.address() as { port: number }).port }));
  });
}

test("listensOn is true for the process holding the listener on 127.0.0.1:PORT, false for another process and after close", { skip: process.platform !== "linux" }, async () => {
  const { srv, port } = await listen();
  try {
    assert.equal(listensOn(process.pid, port), true);
    assert.equal(listensOn(process.ppid, port), false, "the parent does not hold that socket");
  } finally {
    await new Promise((r) => srv.close(r));
  }
  assert.equal(listensOn(process.pid, port), false, "nothing listens there any more");
});
