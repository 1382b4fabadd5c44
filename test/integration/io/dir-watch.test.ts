import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { watchFile } from "../../../src/io/dir-watch.js";

test("next() resolves when the watched file is replaced by a rename, long before its timeout", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-watch-"));
  const w = watchFile(dir, "state.json");
  t.after(() => {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const woke = w.next(3_600_000).then(() => "woke");
  writeFileSync(join(dir, "state.json.1.tmp"), "{}");
  renameSync(join(dir, "state.json.1.tmp"), join(dir, "state.json"));
  // The test's own timeout (minutes) fails it if only the hour-long timer could end the wait.
  assert.equal(await woke, "woke");
});

test("other files' changes do not wake it, and a change made before next() is not lost", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-watch-"));
  const w = watchFile(dir, "state.json");
  t.after(() => {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let woke = false;
  const pending = w.next(3_600_000).then(() => {
    woke = true;
  });
  writeFileSync(join(dir, "jupyter.log"), "noise\n");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(woke, false, "woken by another file");
  writeFileSync(join(dir, "state.json"), "{}");
  await pending;
  // An event between two looks is kept until the next one.
  writeFileSync(join(dir, "state.json"), "{ }");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await w.next(3_600_000).then(() => "woke"), "woke");
});
