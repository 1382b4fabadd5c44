// ustar headers: fields, checksum and the long-name prefix.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tarHeader, tarPadding } from "../../../src/core/tar-header.js";

test("a file header carries name, mode, size and a valid checksum", () => {
  const h = tarHeader({ name: "bundle/jlremote.cjs", kind: "file", mode: 0o100755, size: 1234, mtimeSec: 1700000000 });
  assert.equal(h.length, 512);
  assert.equal(h.subarray(0, 19).toString(), "bundle/jlremote.cjs");
  assert.equal(h.subarray(100, 107).toString(), "0000755");
  assert.equal(Number.parseInt(h.subarray(124, 135).toString(), 8), 1234);
  assert.equal(String.fromCharCode(h[156] as number), "0");
  const copy = Buffer.from(h);
  copy.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of copy) sum += b;
  assert.equal(Number.parseInt(h.subarray(148, 154).toString(), 8), sum);
});

test("a directory ends in / with type 5; a long name moves its head into the prefix", () => {
  const d = tarHeader({ name: "bundle/python", kind: "dir", mode: 0o755, size: 0, mtimeSec: 0 });
  assert.equal(d.subarray(0, 14).toString(), "bundle/python/");
  assert.equal(String.fromCharCode(d[156] as number), "5");
  const long = `${"d".repeat(80)}/${"f".repeat(60)}`;
  const h = tarHeader({ name: long, kind: "file", mode: 0o644, size: 0, mtimeSec: 0 });
  assert.equal(h.subarray(0, 60).toString(), "f".repeat(60));
  assert.equal(h.subarray(345, 425).toString(), "d".repeat(80));
  assert.equal(tarPadding(512).length, 0);
  assert.equal(tarPadding(513).length, 511);
});
