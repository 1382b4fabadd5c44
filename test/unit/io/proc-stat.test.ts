import assert from "node:assert/strict";
import { test } from "node:test";
import { parseProcStat } from "../../../src/io/process-identity.js";

test("parses state, ppid, session, tty and start time even with spaces and parentheses in the name", () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = "S";
  fields[1] = "77";
  fields[19] = "123456";
  const st = parseProcStat(`4242 (we ird) (name) ${fields.join(" ")}`);
  assert.deepEqual(st, { pid: 4242, state: "S", ppid: 77, sid: 6, ttyNr: 7, startTime: 123456, exitStatus: 52 });
});

test("a kernel without field 52 (before Linux 3.5) gives no exit status", () => {
  const fields = Array.from({ length: 42 }, (_, i) => String(i + 3));
  assert.equal(parseProcStat(`7 (x) ${fields.join(" ")}`)?.exitStatus, null);
});

test("garbage is null", () => {
  assert.equal(parseProcStat("nonsense"), null);
});
