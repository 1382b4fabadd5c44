// Integration tests for src/io/atomic-file.ts on the real filesystem.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeFileAtomic } from "../../../src/io/atomic-file.js";

test("writes the exact mode whatever the umask, and leaves no temp file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-atomic-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "launcher");
  const old = process.umask(0o077);
  try {
    writeFileAtomic(file, "#!/bin/sh\n", 0o755);
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(file).mode & 0o777, 0o755);
  assert.equal(readFileSync(file, "utf8"), "#!/bin/sh\n");
  assert.deepEqual(readdirSync(dir), ["launcher"]);
});

test("a symlink planted under the temp name is replaced, never written through", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-atomic-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const victim = join(dir, "victim");
  writeFileSync(victim, "precious\n");
  const file = join(dir, "state.json");
  symlinkSync(victim, `${file}.${process.pid}.tmp`);
  writeFileAtomic(file, "{}\n", 0o600);
  assert.equal(readFileSync(victim, "utf8"), "precious\n");
  assert.equal(readFileSync(file, "utf8"), "{}\n");
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test("a write without fsync (durable: false) gives the same file: content, exact mode, no temp file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-atomic-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "jupyter-config.py");
  writeFileAtomic(file, "c = 1\n", 0o600, false);
  writeFileAtomic(file, "c = 2\n", 0o600, false);
  assert.equal(readFileSync(file, "utf8"), "c = 2\n");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ["jupyter-config.py"]);
});
