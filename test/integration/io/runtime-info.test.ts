import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { watchInfoFile } from "../../../src/io/runtime-info.js";

test("watchInfoFile calls back when that Jupyter's info file appears, not for another PID's", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-runtime-"));
  const seen: string[] = [];
  let woke: () => void = () => {};
  const appeared = new Promise<void>((r) => {
    woke = r;
  });
  const unwatch = watchInfoFile({ JUPYTER_RUNTIME_DIR: dir, HOME: dir }, 4242, () => {
    seen.push("called");
    woke();
  });
  // The watch is not persistent (it must not keep a supervisor alive): a timer keeps this test's loop running.
  const keepAlive = setTimeout(() => {}, 10_000);
  t.after(() => {
    clearTimeout(keepAlive);
    unwatch();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, "jpserver-4241.json"), "{}");
  writeFileSync(join(dir, "jpserver-4242.json"), "{}");
  await appeared;
  // Events come in order: any call for the other PID's file would precede this one.
  assert.ok(seen.length >= 1);
  unwatch();
  const before = seen.length;
  writeFileSync(join(dir, "nbserver-4242.json"), "{}");
  await new Promise((r) => setImmediate(r));
  assert.equal(seen.length, before, "no call after the unwatch");
});

test("watchInfoFile without a runtime dir neither throws nor calls back", () => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-runtime-"));
  try {
    const unwatch = watchInfoFile({ JUPYTER_RUNTIME_DIR: join(dir, "missing"), HOME: dir }, 1, () => {
      throw new Error("called");
    });
    unwatch();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
