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
