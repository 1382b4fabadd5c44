// Integration tests for src/io/credentials-request.ts on the real filesystem.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { requestNewCredentials, takeCredentialsRequest } from "../../../src/io/credentials-request.js";

test("a request is taken once, and is private while it waits", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-creds-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(takeCredentialsRequest(dir), false);
  requestNewCredentials(dir);
  assert.equal(statSync(join(dir, "new-credentials")).mode & 0o777, 0o600);
  requestNewCredentials(dir);
  assert.equal(takeCredentialsRequest(dir), true);
  assert.equal(takeCredentialsRequest(dir), false);
});

test("a request that cannot be removed counts as one (new credentials are the safe side)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-creds-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A directory by that name: unlink fails with EISDIR (or EPERM), not ENOENT.
  mkdirSync(join(dir, "new-credentials"));
  assert.equal(takeCredentialsRequest(dir), true);
});
