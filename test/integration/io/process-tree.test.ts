import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { identify, isAlive } from "../../../src/io/process-identity.js";
import { descendants, signalAll } from "../../../src/io/process-tree.js";
import { killPid, waitFor } from "../../helpers/cli.js";

test("descendants finds grandchildren in another session, and signalAll kills them by identity", async (t) => {
  // setsid puts the grandchild in its own session, like a kernel under Jupyter.
  const root = spawn("sh", ["-c", "setsid sleep 300 & sleep 300 & wait"], { stdio: "ignore" });
  t.after(() => killPid(root.pid));
  const kids = await waitFor("two sleeps", () => {
    const d = descendants(root.pid as number);
    return d.length >= 2 ? d : null;
  });
  t.after(() => {
    for (const k of kids) killPid(k.pid);
  });
  assert.ok(kids.every((k) => isAlive(k)));
  assert.equal(signalAll(kids, "SIGKILL"), kids.length);
  await waitFor("all gone", () => kids.every((k) => !isAlive(k)), 5000);
});

test("a zombie is not alive, and a changed start time is not the same process", async (t) => {
  // The exec'd sleep never reaps the short sleep, which stays a zombie.
  const parent = spawn("sh", ["-c", "sleep 0.05 & exec sleep 300"], { stdio: "ignore" });
  t.after(() => killPid(parent.pid));
  const zombie = await waitFor("zombie child", () => {
    const d = descendants(parent.pid as number);
    return d.length === 0 ? null : d[0];
  }).catch(() => null);
  if (zombie) await waitFor("zombie state", () => !isAlive(zombie), 5000);
  const me = identify(process.pid);
  assert.ok(me && isAlive(me));
  assert.equal(isAlive(me ? { ...me, startTime: me.startTime + 1 } : null), false);
  assert.equal(isAlive(me ? { ...me, host: "elsewhere" } : null), false);
  assert.equal(isAlive(me ? { ...me, bootId: "other-boot" } : null), false);
});
