// The defaults file and remembered settings on a real filesystem: trust checks (the prologue runs as you) and round trips.
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  forgetRemembered,
  peekRemembered,
  readRemembered,
  readRemoteConfig,
  writeRemembered,
} from "../../../src/io/settings-file.js";
import { schedulerNames } from "../../../src/backends/registry.js";

function configHome(
  t: { after: (fn: () => void) => void },
  text: string | null,
): { env: Record<string, string>; file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "jlr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "jlremote", "config.json");
  mkdirSync(join(dir, "jlremote"));
  if (text !== null) writeFileSync(file, text, { mode: 0o644 });
  return { env: { XDG_CONFIG_HOME: dir, HOME: dir }, file, dir };
}

test("config.json: absent is empty; a valid one is read, also through a symlink (dotfiles)", (t) => {
  const none = configHome(t, null);
  assert.equal(readRemoteConfig(none.env, schedulerNames).exists, false);
  const c = configHome(t, JSON.stringify({ defaults: { rootDir: "~/p" } }));
  assert.equal(readRemoteConfig(c.env, schedulerNames).config.defaults.rootDir, "~/p");
  const real = join(c.dir, "dotfiles.json");
  writeFileSync(real, JSON.stringify({ defaults: { app: "lab" } }), { mode: 0o600 });
  rmSync(c.file);
  symlinkSync(real, c.file);
  assert.equal(readRemoteConfig(c.env, schedulerNames).config.defaults.app, "lab");
});

test("config.json writable by group or others is refused with the chmod hint (exit 2)", (t) => {
  const c = configHome(t, JSON.stringify({ defaults: { prologue: "true" } }));
  chmodSync(c.file, 0o666);
  assert.throws(
    () => readRemoteConfig(c.env, schedulerNames),
    (e: Error & { exitCode?: number }) =>
      /writable by group or others \(mode 666\).*chmod go-w/.test(e.message) && e.exitCode === 2,
  );
});

test("config.json owned by another user is refused", {
  skip: process.getuid?.() === 0 ? false : "needs root to chown",
}, (t) => {
  const c = configHome(t, JSON.stringify({ defaults: {} }));
  chownSync(c.file, 65534, 65534);
  assert.throws(() => readRemoteConfig(c.env, schedulerNames), /belongs to uid 65534, not to you/);
});

test("settings.json: round trip, forget, and a planted symlink is refused (peek says null)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-remembered-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(readRemembered(dir), {});
  writeRemembered(dir, { rootDir: "/p", port: 9000 });
  assert.deepEqual(readRemembered(dir), { rootDir: "/p", port: 9000 });
  forgetRemembered(dir);
  assert.deepEqual(readRemembered(dir), {});
  writeFileSync(join(dir, "elsewhere.json"), JSON.stringify({ schema: 1, settings: { rootDir: "/x" } }), {
    mode: 0o600,
  });
  symlinkSync(join(dir, "elsewhere.json"), join(dir, "settings.json"));
  assert.throws(() => readRemembered(dir), /symbolic link/);
  assert.equal(peekRemembered(dir), null);
});

test("config.json is checked on the descriptor it is read from: a symlink flipped between a safe and a group-writable file never yields the latter's text", async (t) => {
  const c = configHome(t, null);
  const safe = join(c.dir, "safe.json");
  const open = join(c.dir, "open.json");
  writeFileSync(safe, JSON.stringify({ defaults: { prologue: "echo safe" } }), { mode: 0o600 });
  writeFileSync(open, JSON.stringify({ defaults: { prologue: "echo planted" } }));
  chmodSync(open, 0o666);
  symlinkSync(safe, c.file);
  // Another process flips the link as fast as it can (rename over it is atomic).
  const { spawn } = await import("node:child_process");
  const flipper = spawn(
    "/usr/bin/python3",
    [
      "-c",
      `import os\nf=${JSON.stringify(c.file)}\nt=[${JSON.stringify(safe)},${JSON.stringify(open)}]\ni=0\nwhile True:\n    os.symlink(t[i%2], f+'.n'); os.rename(f+'.n', f); i+=1`,
    ],
    { stdio: "ignore" },
  );
  t.after(() => flipper.kill("SIGKILL"));
  const exited = new Promise((done) => flipper.once("exit", done));
  let refused = 0;
  let read = 0;
  try {
    for (let i = 0; i < 3000; i++) {
      try {
        const p = readRemoteConfig(c.env, schedulerNames).config.defaults.prologue;
        read += 1;
        assert.equal(p, "echo safe");
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        refused += 1;
      }
    }
  } finally {
    // Gone before the sandbox is removed (its after hook runs first): a flipper still renaming makes rm fail.
    flipper.kill("SIGKILL");
    await exited;
  }
  assert.ok(read > 0 && refused > 0, `the race was exercised (read ${read}, refused ${refused})`);
});

test("config.json that is a FIFO is refused at once, without hanging", async (t) => {
  const c = configHome(t, null);
  const { spawnSync } = await import("node:child_process");
  assert.equal(spawnSync("mkfifo", ["-m", "0600", c.file]).status, 0);
  assert.throws(() => readRemoteConfig(c.env, schedulerNames), /not a regular file/);
});
