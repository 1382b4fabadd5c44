import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { StateRecord } from "../../../src/core/types.js";
import { acquireLock } from "../../../src/io/lock.js";
import { readState, writeState } from "../../../src/io/state-file.js";

const rec = { schema: 1, name: "x", state: "running" } as unknown as StateRecord;

test("writeState writes 0600 atomically and readState reads it back; no temp file is left", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "state.json");
  writeState(file, rec);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readState(file), { kind: "ok", record: rec });
  assert.deepEqual(readdirSync(dir), ["state.json"]);
});

test("absent, truncated and foreign files are reported, not thrown", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "state.json");
  assert.equal(readState(file).kind, "absent");
  writeFileSync(file, '{"schema":1,"sta');
  assert.equal(readState(file).kind, "corrupt");
  writeFileSync(file, '{"hello":"world"}');
  assert.equal(readState(file).kind, "corrupt");
});

test("a failed write throws and leaves the previous file as it was", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "state.json");
  writeState(file, rec);
  // A directory squatting on the temp name makes the write fail before the rename.
  mkdirSync(`${file}.${process.pid}.tmp`);
  assert.throws(() => writeState(file, { ...rec, name: "y" } as StateRecord));
  assert.deepEqual(readState(file), { kind: "ok", record: rec });
});

test("the start lock serializes holders", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-lock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const target = join(dir, "start");
  const order: string[] = [];
  const first = await acquireLock(target);
  const second = acquireLock(target, 10_000).then((rel) => {
    order.push("second");
    return rel;
  });
  // A window in which a broken lock would let the second holder in before the release.
  await new Promise((r) => setTimeout(r, 300));
  order.push("first-release");
  await first();
  await (await second)();
  assert.deepEqual(order, ["first-release", "second"]);
});
