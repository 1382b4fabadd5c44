import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { distrustDir, readPrivateFile } from "../../../src/io/private-file.js";
import { ensurePrivateDir } from "../../../src/io/state-file.js";

test("a private file is read only when it is a regular file of ours, not a symlink, not writable by others", (t) => {
  const d = mkdtempSync(join(tmpdir(), "jlr-priv-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  writeFileSync(join(d, "ok"), "fine", { mode: 0o600 });
  symlinkSync(join(d, "ok"), join(d, "link"));
  writeFileSync(join(d, "open"), "x");
  chmodSync(join(d, "open"), 0o666);
  mkdirSync(join(d, "dir"));
  const cases: [string, string | RegExp][] = [
    ["ok", "ok"],
    ["absent", "absent"],
    ["link", /is a symbolic link; refusing to follow it/],
    ["open", /writable by group or others \(mode 666\)/],
    ["dir", /not a regular file/],
  ];
  if (process.getuid?.() === 0) {
    writeFileSync(join(d, "foreign"), "x", { mode: 0o600 });
    chownSync(join(d, "foreign"), 65534, 65534);
    cases.push(["foreign", /belongs to uid 65534, not to you/]);
  }
  for (const [name, want] of cases) {
    const r = readPrivateFile(join(d, name));
    if (want === "ok") assert.deepEqual(r, { kind: "ok", text: "fine" });
    else if (want === "absent") assert.deepEqual(r, { kind: "absent" });
    else assert.ok(r.kind === "untrusted" && (want as RegExp).test(r.message), `${name}: ${JSON.stringify(r)}`);
  }
});

test("a private dir: a symlink or a group-writable dir is refused, a readable one is tightened, nothing followed", (t) => {
  const d = mkdtempSync(join(tmpdir(), "jlr-privdir-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  mkdirSync(join(d, "target"));
  symlinkSync(join(d, "target"), join(d, "link"));
  assert.throws(() => ensurePrivateDir(join(d, "link")), /is a symbolic link; refusing to follow it/);
  assert.match(distrustDir(join(d, "link")) ?? "", /symbolic link/);
  mkdirSync(join(d, "gw"));
  chmodSync(join(d, "gw"), 0o770);
  assert.throws(() => ensurePrivateDir(join(d, "gw")), /writable by group or others/);
  mkdirSync(join(d, "readable"));
  chmodSync(join(d, "readable"), 0o755);
  const notes: string[] = [];
  ensurePrivateDir(join(d, "readable"), (m) => notes.push(m));
  assert.match(notes[0] ?? "", /tightened to 700/);
  assert.equal(distrustDir(join(d, "fresh")), null);
  ensurePrivateDir(join(d, "fresh"));
  assert.equal(distrustDir(join(d, "fresh")), null);
});
