// Tests for src/core/errors.ts: what an entry point prints and returns for an error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { errorOutcome, ExitCode, fsErrorText, isStorageError, JlremoteError } from "../../../src/core/errors.js";

test("a JlremoteError becomes its one-line message, its detail lines, and its exit code", () => {
  const plain = errorOutcome("jlremote", new JlremoteError("port 1 is busy; choose another --port", ExitCode.usage));
  assert.deepEqual(plain, { lines: ["jlremote: port 1 is busy; choose another --port"], exitCode: ExitCode.usage });
  const withDetail = errorOutcome(
    "jllocal",
    new JlremoteError("start failed", ExitCode.failure, { detail: "--- log ---\nboom" }),
  );
  assert.deepEqual(withDetail.lines, ["jllocal: start failed", "--- log ---\nboom"]);
  assert.equal(withDetail.exitCode, ExitCode.failure);
});

test("a JlremoteError of another copy of the module (the bundle's boot has its own) is one too", async () => {
  // A second copy of src/core/errors.ts, as the boot and the main code of a bundle each have one.
  const other = (await import(
    `../../../src/core/errors.ts?copy=${Date.now()}`
  )) as typeof import("../../../src/core/errors.js");
  assert.notEqual(other.JlremoteError, JlremoteError);
  const err = new other.JlremoteError("x.cjs has no section 't': the bundle is damaged; install it again");
  assert.ok(!(err instanceof JlremoteError));
  assert.deepEqual(errorOutcome("jlremote", err), {
    lines: ["jlremote: x.cjs has no section 't': the bundle is damaged; install it again"],
    exitCode: ExitCode.failure,
  });
  // Not any object: an Error without the mark stays an unexpected one.
  assert.match(errorOutcome("jlremote", new Error("boom")).lines[0] ?? "", /unexpected error: boom/);
});

test("any other error is one 'unexpected error' line with its errno code and exit 1, never a stack", () => {
  const err = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: "EACCES" });
  const out = errorOutcome("jlremote", err);
  assert.deepEqual(out.lines, [
    "jlremote: unexpected error: EACCES: permission denied, open '/x' (EACCES); please report it",
  ]);
  assert.equal(out.exitCode, ExitCode.failure);
  assert.equal(errorOutcome("jlremote", "text").lines[0], "jlremote: unexpected error: text; please report it");
});

test("a full disk, an exceeded quota and a read-only file system are named from the errno, with the path and a hint", () => {
  const e = (code: string, path?: string) => Object.assign(new Error(`${code}: raw`), { code, path });
  assert.equal(
    fsErrorText(e("EDQUOT", "/home/u/.local/state/jlremote/default/start.lock")),
    "disk quota exceeded: /home/u/.local/state/jlremote/default/start.lock (EDQUOT)",
  );
  assert.equal(fsErrorText(e("ENOSPC"), "/s/state.json"), "no space left on device: /s/state.json (ENOSPC)");
  assert.equal(fsErrorText(e("EROFS", "/ro")), "read-only file system: /ro (EROFS)");
  assert.equal(isStorageError(e("EACCES")), false);
  const out = errorOutcome("jlremote", e("EDQUOT", "/q"));
  assert.deepEqual(out.lines, [
    "jlremote: disk quota exceeded: /q (EDQUOT); free some space (or ask for more quota) and try again",
  ]);
  assert.equal(out.exitCode, 1);
});
