import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JlremoteError } from "../../../src/core/errors.js";
import { acquireLock } from "../../../src/io/lock.js";
import { waitFor } from "../../helpers/cli.js";

const asRoot = process.getuid?.() === 0 ? false : "needs root to mount a tmpfs";

/** A tiny tmpfs of its own, unmounted (lazily) and removed when the test ends. */
function tinyTmpfs(
  t: { after: (fn: () => unknown) => void; skip: (why: string) => void },
  options: string,
): string | null {
  const dir = mkdtempSync(join(tmpdir(), "jlr-lock-"));
  const mnt = join(dir, "mnt");
  mkdirSync(mnt);
  t.after(() => {
    spawnSync("umount", ["-l", mnt]);
    rmSync(dir, { recursive: true, force: true });
  });
  if (spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", mnt]).status !== 0) {
    t.skip("cannot mount a tmpfs here");
    return null;
  }
  return mnt;
}

test("the lock reports a file system without free inodes as no space left, at once (not as a lock held by another jlremote)", {
  skip: asRoot,
}, async (t) => {
  const mnt = tinyTmpfs(t, "size=1m,nr_inodes=64");
  if (mnt === null) return;
  // Use up the inodes: creating files fails with ENOSPC once they are gone.
  for (let i = 0; ; i += 1) {
    try {
      writeFileSync(join(mnt, `f${i}`), "");
    } catch {
      break;
    }
  }
  const t0 = performance.now();
  await assert.rejects(acquireLock(join(mnt, "start"), 30_000), (e: unknown) => {
    assert.ok(e instanceof JlremoteError);
    assert.match(e.message, /no space left on device: .*start\.lock \(ENOSPC\)/);
    assert.doesNotMatch(e.message, /another jlremote/);
    return true;
  });
  assert.ok(performance.now() - t0 < 2000, "the lock retried a full disk as if it were held");
});

test("the lock reports a read-only file system as such, at once", { skip: asRoot }, async (t) => {
  const mnt = tinyTmpfs(t, "size=1m,ro");
  if (mnt === null) return;
  const t0 = performance.now();
  await assert.rejects(acquireLock(join(mnt, "start"), 30_000), /read-only file system: .*\(EROFS\)/);
  assert.ok(performance.now() - t0 < 2000);
});

test("a lock held by another is waited for, then reported as held", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-lock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const release = await acquireLock(join(dir, "start"));
  t.after(release);
  const t0 = performance.now();
  await assert.rejects(acquireLock(join(dir, "start"), 600), /another jlremote holds .*start\.lock/);
  assert.ok(performance.now() - t0 >= 500);
});

test("a lock taken from its holder (its dir removed) is reported through onCompromised at the next mtime update, not thrown", {
  timeout: 30_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-lock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let compromised: Error | null = null;
  const release = await acquireLock(join(dir, "start"), 1000, (e) => {
    compromised = e;
  });
  t.after(release);
  rmSync(join(dir, "start.lock"), { recursive: true });
  // The holder refreshes the lock's mtime every 10 s; that refresh finds the lock gone.
  const seen = await waitFor("onCompromised", () => compromised, 20_000, 100);
  assert.match(seen.message, /ENOENT|compromised/i);
});

test("a lock left by a holder that died (not refreshed for over 30 s) is taken over at once", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-lock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "start.lock"));
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, "start.lock"), old, old);
  const t0 = performance.now();
  const release = await acquireLock(join(dir, "start"), 5000);
  assert.ok(performance.now() - t0 < 1000, "the stale lock was waited for");
  await release();
  assert.equal(existsSync(join(dir, "start.lock")), false);
});
