import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { identify, isAlive, readProcStat } from "../../../src/io/process-identity.js";
import { descendants, signalAll } from "../../../src/io/process-tree.js";
import { firstLine, killTree, waitFor } from "../../helpers/cli.js";

test("descendants finds grandchildren in another session, and signalAll kills them by identity", async (t) => {
  // setsid puts the grandchild in its own session, like a kernel under Jupyter.
  const root = spawn("sh", ["-c", "setsid sleep 300 & sleep 300 & wait"], { stdio: "ignore" });
  // Registered before anything can fail: the whole tree, read before its root dies (the setsid sleep would escape).
  t.after(() => killTree(root.pid));
  const kids = await waitFor("two sleeps", () => {
    const d = descendants(root.pid as number);
    return d.length >= 2 ? d : null;
  });
  assert.ok(kids.every((k) => isAlive(k)));
  assert.equal(signalAll(kids, "SIGKILL"), kids.length);
  await waitFor("all gone", () => kids.every((k) => !isAlive(k)), 5000);
});

test("a zombie is not alive and not a descendant", async (t) => {
  // The exec'd sleep never reaps its child: once SIGKILLed, the child stays a zombie until the parent dies.
  const parent = spawn("sh", ["-c", "sleep 300 & echo $!; exec sleep 300"], { stdio: ["ignore", "pipe", "ignore"] });
  t.after(() => killTree(parent.pid));
  const pid = Number(await firstLine(parent.stdout, 10_000));
  const child = identify(pid);
  assert.ok(child && isAlive(child), `the child ${pid} runs`);
  assert.deepEqual(
    descendants(parent.pid as number).map((d) => d.pid),
    [pid],
  );
  process.kill(pid, "SIGKILL");
  await waitFor("the child a zombie", () => readProcStat(pid)?.state === "Z", 5000);
  assert.equal(isAlive(child), false);
  assert.deepEqual(descendants(parent.pid as number), []);
});

test("a changed start time, host or boot id is not the same process", () => {
  const me = identify(process.pid);
  assert.ok(me && isAlive(me));
  assert.equal(isAlive({ ...me, startTime: me.startTime + 1 }), false);
  assert.equal(isAlive({ ...me, host: "elsewhere" }), false);
  assert.equal(isAlive({ ...me, bootId: "other-boot" }), false);
});
