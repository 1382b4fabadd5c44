import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  describeReach,
  dirOnPath,
  isTemporaryLocation,
  parseLauncher,
  pathAdvice,
  renderLauncher,
} from "../../../src/core/launcher.js";
import { ANSWER_FD_ENV } from "../../../src/core/ssh-command.js";
import { launcherVersionLine } from "../../../src/core/remote-lookup.js";

test("a rendered launcher is parsed back to the same node and bundle, whatever characters the paths hold", () => {
  for (const t of [
    { node: "/usr/bin/node", bundle: "/opt/jlremote/dist/jlremote.mjs" },
    { node: "/home/a b/.nvm/node", bundle: '/home/it\'s "q" $HOME `x`/j.mjs' },
    { node: "/n\nl/node", bundle: "/b\\/j.mjs" },
  ]) {
    const text = renderLauncher(t);
    assert.ok(text.startsWith("#!/bin/sh\n"));
    assert.deepEqual(parseLauncher(text), t);
  }
});

test("a launcher names its bundle's version on its third line (jllocal's lookup reads it), when the version is a plain word", () => {
  const t = { node: "/usr/bin/node", bundle: "/opt/j/jlremote.cjs" };
  const text = renderLauncher(t, "1.2.3-rc.1");
  assert.equal(text.split("\n")[2], launcherVersionLine("1.2.3-rc.1"));
  assert.deepEqual(parseLauncher(text), t);
  assert.doesNotMatch(renderLauncher(t, "1.0; rm -rf ~"), /jlremote-version/);
  assert.doesNotMatch(renderLauncher(t), /jlremote-version/);
});

test("files not written by install are not taken for a launcher", () => {
  assert.equal(parseLauncher('#!/bin/sh\nexec node /x/jlremote.mjs "$@"\n'), null);
  assert.equal(parseLauncher("#!/usr/bin/env node\nconsole.log(1)\n"), null);
  assert.equal(parseLauncher(""), null);
  const ours = renderLauncher({ node: "/n", bundle: "/b" });
  assert.equal(parseLauncher(ours.replace(/^bundle=.*$/m, "")), null);
});

/**
 * In a temp dir: a bundle file named `bundleName` and the launcher `render` writes for it, with /bin/echo standing in
 * for node (it prints the argv the launcher passes); `check` gets both paths; the dir is removed after.
 */
function withEchoLauncher(
  bundleName: string,
  render: (t: { node: string; bundle: string }) => string,
  check: (file: string, bundle: string) => void,
): void {
  const dir = mkdtempSync(join(tmpdir(), "jlr-launcher-"));
  try {
    const bundle = join(dir, bundleName);
    writeFileSync(bundle, "");
    const file = join(dir, "jlremote");
    writeFileSync(file, render({ node: "/bin/echo", bundle }));
    chmodSync(file, 0o755);
    check(file, bundle);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the launcher execs node with the bundle and every argument intact, and exits 127 with a hint when a target is gone", () => {
  withEchoLauncher(
    "it's a bundle.mjs",
    (t) => renderLauncher(t),
    (file, bundle) => {
      const r = spawnSync(file, ["status", "--json", "a b", "$HOME", "*"], { env: {}, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${bundle} status --json a b $HOME *\n`);
      rmSync(bundle);
      const gone = spawnSync(file, ["status"], { env: {}, encoding: "utf8" });
      assert.equal(gone.status, 127);
      assert.match(gone.stderr, /which is gone; install jlremote again and run `jlremote install`/);
    },
  );
});

test("bundles in temp dirs and npx's cache count as temporary; others do not", () => {
  const temps = ["/tmp", "/var/tmp/"];
  const table: [string, boolean][] = [
    ["/tmp/x/dist/jlremote.mjs", true],
    ["/var/tmp/jlremote.mjs", true],
    ["/home/u/.npm/_npx/1234/node_modules/jlremote/dist/jlremote.mjs", true],
    ["/tmpfoo/jlremote.mjs", false],
    ["/home/u/.local/lib/node_modules/jlremote/dist/jlremote.mjs", false],
    ["/work/clone/dist/jlremote.mjs", false],
  ];
  for (const [p, want] of table) assert.equal(isTemporaryLocation(p, temps), want, p);
  assert.equal(isTemporaryLocation("/anything", ["/"]), false);
});

test("a dir is on a PATH only as a whole entry, trailing slashes aside", () => {
  const table: [string, string, boolean][] = [
    ["/h/.local/bin", "/usr/bin:/h/.local/bin", true],
    ["/h/.local/bin", "/usr/bin:/h/.local/bin/", true],
    ["/h/.local/bin/", "/h/.local/bin", true],
    ["/h/.local/bin", "/h/.local/bin2:/h/.local", false],
    ["/h/.local/bin", "", false],
  ];
  for (const [d, p, want] of table) assert.equal(dirOnPath(d, p), want, `${d} in ${p}`);
});

test("PATH advice names the file each login shell reads for ssh commands", () => {
  const table: [string, RegExp][] = [
    ["/bin/bash", /export PATH="\$HOME\/\.local\/bin:\$PATH"' as the first line of ~\/\.bashrc/],
    ["/usr/bin/zsh", /~\/\.zshenv/],
    ["/usr/bin/fish", /fish_add_path \$HOME\/\.local\/bin' to ~\/\.config\/fish\/config\.fish/],
    ["/bin/tcsh", /setenv PATH "\$HOME\/\.local\/bin:\$PATH"' to ~\/\.cshrc/],
    ["/bin/ksh", /a file your login shell \(\/bin\/ksh\) reads/],
  ];
  for (const [shell, re] of table) assert.match(pathAdvice("/h/.local/bin", "/h", shell), re, shell);
  assert.match(pathAdvice("/opt/bin", "/h", "/bin/bash"), /export PATH="\/opt\/bin:\$PATH"/);
});

test("install's reach line says whether plain ssh runs this launcher, another one, or needs the full path", () => {
  const base = {
    file: "/h/.local/bin/jlremote",
    dir: "/h/.local/bin",
    home: "/h",
    sshPath: "/usr/bin:/bin",
    shell: "/bin/bash",
  };
  assert.match(
    describeReach({ ...base, sshPath: "/h/.local/bin:/usr/bin", firstOnPath: base.file }),
    /^\/h\/\.local\/bin is on the PATH of non-interactive ssh commands .*runs this launcher$/,
  );
  assert.match(
    describeReach({ ...base, firstOnPath: "/usr/bin/jlremote" }),
    /runs \/usr\/bin\/jlremote, which comes first .*not this launcher/,
  );
  const off = describeReach({ ...base, firstOnPath: null });
  assert.match(
    off,
    /is not on the PATH .*\(\/bin\/bash -c: \/usr\/bin:\/bin\): use `ssh HOST ~\/\.local\/bin\/jlremote \.\.\.` \(jllocal finds it there by itself/,
  );
  const other = describeReach({ ...base, file: "/opt/bin/jlremote", dir: "/opt/bin", firstOnPath: null });
  assert.match(other, /use `ssh HOST \/opt\/bin\/jlremote \.\.\.` \(jllocal needs --remote-cmd \/opt\/bin\/jlremote/);
});

test("on jllocal's cold path (its answer fd in the environment) the launcher gives node the supervisor's flags", () => {
  const flags = ["--single-threaded-gc", "--x=a b"];
  withEchoLauncher(
    "j.cjs",
    (t) => renderLauncher(t, "1.0.0", flags),
    (file, bundle) => {
      const cold = spawnSync(file, ["status", "--json"], { env: { [ANSWER_FD_ENV]: "3" }, encoding: "utf8" });
      assert.equal(cold.stdout, `--single-threaded-gc --x=a b ${bundle} status --json\n`);
      for (const env of [{}, { [ANSWER_FD_ENV]: "" }]) {
        const plain = spawnSync(file, ["status", "--json"], { env, encoding: "utf8" });
        assert.equal(plain.stdout, `${bundle} status --json\n`);
      }
    },
  );
  assert.doesNotMatch(renderLauncher({ node: "/n", bundle: "/b" }), new RegExp(ANSWER_FD_ENV));
});
