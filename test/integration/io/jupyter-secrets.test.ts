// Integration tests for the cookie secret of src/io/jupyter-secrets.ts on the real filesystem.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { cookieSecretPath, ensureCookieSecret, rotateCookieSecret } from "../../../src/io/jupyter-secrets.js";

test("a well-formed cookie secret is kept; a missing, empty or truncated one (a power cut) is replaced", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-secret-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = cookieSecretPath(dir);
  ensureCookieSecret(file);
  const made = readFileSync(file, "utf8");
  assert.match(made, /^[0-9a-f]{64}$/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  ensureCookieSecret(file);
  assert.equal(readFileSync(file, "utf8"), made, "kept");
  for (const broken of ["", made.slice(0, 20), `${made}\n\0`]) {
    writeFileSync(file, broken, { mode: 0o600 });
    ensureCookieSecret(file);
    const now = readFileSync(file, "utf8");
    assert.match(now, /^[0-9a-f]{64}$/, JSON.stringify(broken));
    assert.notEqual(now, made);
  }
  const before = readFileSync(file, "utf8");
  rotateCookieSecret(file);
  assert.notEqual(readFileSync(file, "utf8"), before, "rotated");
});
