import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { watchInfoFile } from "../../../src/io/runtime-info.js";

/** A promise and the callback that settles it. */
function signal(): { done: Promise<void>; call: () => void; calls: () => number } {
  let n = 0;
  let settle: () => void = () => {};
  const done = new Promise<void>((r) => {
    settle = r;
  });
  return {
    done,
    call: () => {
      n += 1;
      settle();
    },
    calls: () => n,
  };
}

test("watchInfoFile calls back when that Jupyter's info file appears, not for another PID's", {
  timeout: 10_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-runtime-"));
  const env = { JUPYTER_RUNTIME_DIR: dir, HOME: dir };
  const mine = signal();
  const other = signal();
  const unwatchMine = watchInfoFile(env, 4242, mine.call);
  // A second watch of another PID: its call tells that the first file's event has been delivered.
  const unwatchOther = watchInfoFile(env, 4241, other.call);
  // The watches are not persistent (they must not keep a supervisor alive): a timer keeps this test's loop running.
  const keepAlive = setTimeout(() => {}, 10_000);
  t.after(() => {
    clearTimeout(keepAlive);
    unwatchMine();
    unwatchOther();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, "jpserver-4241.json"), "{}");
  await other.done;
  await new Promise((r) => setImmediate(r));
  assert.equal(mine.calls(), 0, "no call for another PID's info file");
  writeFileSync(join(dir, "jpserver-4242.json"), "{}");
  await mine.done;
  unwatchMine();
  const before = mine.calls();
  const seenByOther = other.calls();
  writeFileSync(join(dir, "nbserver-4242.json"), "{}");
  writeFileSync(join(dir, "jpserver-4241.json"), "{}");
  // Events come in order: once the other watch saw its file's second write, the unwatched one would have been called.
  await new Promise<void>((r) => {
    const wait = () => (other.calls() > seenByOther ? r() : setTimeout(wait, 5));
    wait();
  });
  assert.equal(mine.calls(), before, "no call after the unwatch");
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
