// Integration tests for src/io/process-identity.ts: this host's name and a live process's identity, as recorded in
// state files and compared by status.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { test } from "node:test";
import { hostName, identify, isAlive } from "../../../src/io/process-identity.js";

test("the host name read from /proc is node:os's (uname's nodename): records made before keep matching", () => {
  assert.equal(hostName(), hostname());
});

test("a live child is identified with this host's name and is alive until it exits", async (t) => {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  t.after(() => child.kill("SIGKILL"));
  const pid = child.pid as number;
  const id = identify(pid);
  assert.ok(id !== null);
  assert.equal(id.host, hostname());
  assert.equal(isAlive(id), true);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  assert.equal(isAlive(id), false);
  assert.equal(isAlive({ ...id, host: `${hostname()}-elsewhere` }), false);
});
