import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readSmallFile } from "../../../src/io/proc-read.js";

test("readSmallFile reads /proc files and regular files of any size like readFileSync, and throws like it", () => {
  for (const p of [`/proc/${process.pid}/stat`, "/proc/self/status", `/proc/${process.pid}/task/${process.pid}/children`]) {
    const a = readSmallFile(p);
    assert.ok(a.length > 0 || p.endsWith("children"), p);
  }
  assert.equal(readSmallFile("/proc/sys/kernel/random/boot_id"), readFileSync("/proc/sys/kernel/random/boot_id", "utf8"));
  const dir = mkdtempSync(join(tmpdir(), "jlr-procread-"));
  try {
    for (const size of [0, 1, 16 * 1024 - 1, 16 * 1024, 100_000]) {
      const f = join(dir, `f${size}`);
      writeFileSync(f, "é".repeat(Math.floor(size / 2)) + "x".repeat(size % 2));
      assert.equal(readSmallFile(f), readFileSync(f, "utf8"), `size ${size}`);
    }
    assert.throws(() => readSmallFile(join(dir, "missing")), { code: "ENOENT" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
