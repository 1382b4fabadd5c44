import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkLauncher,
  checkSystemd,
  type LauncherObservation,
  type SystemdObservation,
} from "../../../src/core/doctor-access.js";
import type { CheckStatus } from "../../../src/core/doctor-checks.js";

test("systemd: no user manager or no lingering is a warning that points at detached mode; both present is ok", () => {
  const table: [SystemdObservation, CheckStatus, RegExp][] = [
    [{ manager: true, managerError: null, linger: true, user: "u" }, "ok", /lingering is on/],
    [
      { manager: true, managerError: null, linger: false, user: "u" },
      "warning",
      /lingering is off: a `jlremote service` stops when your last session ends/,
    ],
    [{ manager: true, managerError: null, linger: null, user: "u" }, "warning", /lingering is unknown/],
    [
      { manager: false, managerError: "Failed to connect to bus", linger: null, user: "u" },
      "warning",
      /no systemd user manager \(Failed to connect to bus\)/,
    ],
  ];
  for (const [o, status, re] of table) {
    const c = checkSystemd(o);
    assert.equal(c.status, status);
    assert.match(c.message, re);
  }
  assert.match(
    checkSystemd(table[1]![0]).hint ?? "",
    /^loginctl enable-linger u .*detached `jlremote start` works without it/,
  );
  assert.match(checkSystemd(table[3]![0]).hint ?? "", /detached `jlremote start` works without it/);
});

test("launcher: reachable on the ssh PATH is ok; only via ~/.local/bin, absent, stale or another version a warning; failing a problem", () => {
  const base: LauncherObservation = {
    defaultFile: "/h/.local/bin/jlremote",
    file: { kind: "ours", bundle: "/opt/j/jlremote.mjs" },
    runningBundle: "/opt/j/jlremote.mjs",
    runningVersion: "0.1.0",
    sshPath: "/h/.local/bin:/usr/bin",
    shell: "/bin/bash",
    pathNote: null,
    firstOnPath: "/h/.local/bin/jlremote",
    lookup: { code: 0, stdout: "0.1.0\n", stderr: "", error: null },
    advice: "add it to ~/.bashrc",
  };
  const table: [Partial<LauncherObservation>, CheckStatus, RegExp, RegExp | null][] = [
    [{}, "ok", /^`ssh HOST jlremote` runs \/h\/\.local\/bin\/jlremote \(jlremote 0\.1\.0\)$/, null],
    [
      { firstOnPath: null, sshPath: "/usr/bin" },
      "warning",
      /jllocal finds jlremote 0\.1\.0 at .*not on the non-interactive PATH \(\/usr\/bin\)/,
      /ssh HOST ~\/\.local\/bin\/jlremote .*add it to ~\/\.bashrc/,
    ],
    [
      {
        file: { kind: "absent" },
        firstOnPath: null,
        lookup: { code: 127, stdout: "", stderr: "jlremote: command not found", error: null },
      },
      "warning",
      /no jlremote for ssh/,
      /run `jlremote install`/,
    ],
    [
      { file: { kind: "ours", bundle: "/old/jlremote.mjs" } },
      "warning",
      /runs \/old\/jlremote\.mjs, not this jlremote/,
      /jlremote install/,
    ],
    [
      {
        file: { kind: "absent" },
        firstOnPath: "/usr/local/bin/jlremote",
        lookup: { code: 0, stdout: "0.0.9\n", stderr: "", error: null },
      },
      "warning",
      /ssh finds jlremote 0\.0\.9, this is 0\.1\.0/,
      /jlremote install/,
    ],
    [
      {
        firstOnPath: "/usr/local/bin/jlremote",
        lookup: { code: 127, stdout: "", stderr: "/usr/bin/env: 'node': No such file or directory\n", error: null },
      },
      "problem",
      /runs \/usr\/local\/bin\/jlremote and it fails \(exit 127\): \/usr\/bin\/env: 'node'/,
      /remove or fix \/usr\/local\/bin\/jlremote, then run `jlremote install`/,
    ],
    [
      {
        firstOnPath: null,
        lookup: { code: 127, stdout: "", stderr: "jlremote: this launcher ... which is gone", error: null },
      },
      "problem",
      /runs \/h\/\.local\/bin\/jlremote and it fails/,
      /^run `jlremote install`/,
    ],
    [
      { lookup: { code: null, stdout: "", stderr: "", error: "timed out" } },
      "warning",
      /could not run your login shell like sshd does: timed out/,
      /rc files/,
    ],
  ];
  for (const [over, status, re, hint] of table) {
    const c = checkLauncher({ ...base, ...over });
    assert.equal(c.status, status, c.message);
    assert.match(c.message, re);
    if (hint) assert.match(c.hint ?? "", hint);
    else assert.equal(c.hint, null);
  }
});
