// End-to-end: `jlremote install` writes a launcher that works with an empty environment and over a real sshd.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { remoteCommandLine } from "../../src/core/ssh-command.js";
import { E2E_TIMEOUT_MS, CLI, freePort, runCli, sandbox, type Sandbox } from "../helpers/cli.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

const bash = (userInfo().shell ?? "").endsWith("/bash");

/** A sandbox whose state lives where a bare environment puts it: $HOME/.local/state; sshd's base PATH fixed. */
function homeSandbox(): Sandbox {
  const sb = sandbox({ JLREMOTE_SSH_PATH: "/usr/bin:/bin" });
  sb.env.XDG_STATE_HOME = join(sb.dir, ".local", "state");
  return sb;
}

/** Run `env -i HOME=home file args...`: nothing of our environment but HOME. */
function bare(home: string, file: string, args: string[]) {
  return spawnSync("env", ["-i", `HOME=${home}`, file, ...args], { encoding: "utf8", timeout: 30_000 });
}

describe("the launcher with nothing but HOME", () => {
  let sb: Sandbox;
  let launcher = "";
  let url = "";
  before(() => {
    sb = homeSandbox();
    launcher = join(sb.dir, ".local", "bin", "jlremote");
  });
  after(() => sb.cleanup());

  test("install writes ~/.local/bin/jlremote (mode 755) that runs this node and bundle, and says so", {
    timeout: E2E_TIMEOUT_MS,
  }, async () => {
    const r = await runCli(["install"], sb.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^wrote ${launcher} \\(runs ${process.execPath} ${CLI}\\)\n`));
    assert.match(
      r.stdout,
      /\.local\/bin is not on the PATH of non-interactive ssh commands .*: use `ssh HOST ~\/\.local\/bin\/jlremote \.\.\.` \(jllocal finds it there/,
    );
    assert.equal(statSync(launcher).mode & 0o777, 0o755);
    assert.match(readFileSync(launcher, "utf8"), /^#!\/bin\/sh\n# jlremote launcher/);
  });

  test("under env -i HOME=... it prints one status --json line from HOME's ~/.local/state: stopped, exit 3", {
    timeout: E2E_TIMEOUT_MS,
  }, () => {
    const r = bare(sb.dir, launcher, ["status", "--json"]);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout.trim().split("\n").length, 1);
    const s = JSON.parse(r.stdout) as { state: string; schema: number; url: string | null };
    assert.deepEqual([s.schema, s.state, s.url], [1, "stopped", null]);
  });

  test("with a real Jupyter running, the same bare call exits 0 with its URL", {
    timeout: E2E_TIMEOUT_MS,
  }, async () => {
    const st = await runCli(["start", "--app", "server", "--port", String(await freePort()), "--json"], sb.env);
    assert.equal(st.code, 0, st.stderr);
    url = (JSON.parse(st.stdout) as { url: string }).url;
    const r = bare(sb.dir, launcher, ["status", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { state: string; url: string };
    assert.deepEqual([s.state, s.url], ["running", url]);
    assert.equal(bare(sb.dir, launcher, ["url"]).stdout.trim(), url);
  });

  test("over a real sshd with a bare PATH, `ssh host ~/.local/bin/jlremote status --json` and jllocal's lookup answer", {
    timeout: E2E_TIMEOUT_MS,
    skip: existsSync("/usr/sbin/sshd") ? false : "no /usr/sbin/sshd",
  }, async () => {
    const sshd: Sshd = await startSshd(sb.dir, { HOME: sb.dir, PATH: "/usr/bin:/bin" });
    try {
      const ssh = (cmd: string) =>
        spawnSync("ssh", ["-F", sshd.sshConfig, sshd.alias, cmd], { encoding: "utf8", timeout: 30_000 });
      const direct = ssh("~/.local/bin/jlremote status --json");
      assert.equal(direct.status, 0, direct.stderr);
      assert.equal((JSON.parse(direct.stdout) as { url: string }).url, url);
      assert.notEqual(ssh("jlremote status --json").status, 0, "jlremote is unexpectedly on sshd's bare PATH");
      const lookup = ssh(remoteCommandLine(null, ["status", "--json"]));
      assert.equal(lookup.status, 0, lookup.stderr);
      assert.equal((JSON.parse(lookup.stdout) as { url: string }).url, url);
    } finally {
      await sshd.stop();
    }
  });
});

test("install then uninstall round trip; a foreign file is refused by both, and replaced only with --force", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = homeSandbox();
  t.after(() => sb.cleanup());
  const dir = join(sb.dir, "bin dir");
  const file = join(dir, "jlremote");
  mkdirSync(dir);
  writeFileSync(file, "#!/bin/sh\necho mine\n", { mode: 0o755 });

  const refused = await runCli(["install", "--bin-dir", dir], sb.env);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^jlremote: .*bin dir\/jlremote exists and is a file not written by `jlremote install`; not replacing it: pass --force/,
  );
  assert.equal(readFileSync(file, "utf8"), "#!/bin/sh\necho mine\n");
  const keep = await runCli(["uninstall", "--bin-dir", dir], sb.env);
  assert.equal(keep.code, 1);
  assert.match(keep.stderr, /not a jlremote launcher; leaving it alone/);
  assert.ok(existsSync(file));

  const forced = await runCli(["install", "--bin-dir", dir, "--force"], sb.env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /^wrote /);
  assert.match(forced.stdout, /jllocal needs --remote-cmd/);
  const again = await runCli(["install", "--bin-dir", dir], sb.env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^updated /);
  assert.equal(spawnSync(file, ["--version"], { encoding: "utf8" }).stdout.trim(), "0.1.0");

  const removed = await runCli(["uninstall", "--bin-dir", dir], sb.env);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(removed.stdout.trim(), `removed ${file}`);
  assert.ok(!existsSync(file));
  const nothing = await runCli(["uninstall", "--bin-dir", dir], sb.env);
  assert.equal(nothing.code, 0);
  assert.match(nothing.stderr, /nothing to remove/);

  symlinkSync("/bin/true", file);
  const link = await runCli(["install", "--bin-dir", dir], sb.env);
  assert.equal(link.code, 1);
  assert.match(link.stderr, /exists and is a symlink to \/bin\/true; not replacing it/);
  assert.ok(lstatSync(file).isSymbolicLink());
  rmSync(file);
  // npm's bin link to this very bundle (npm prefix ~/.local) is replaced without --force.
  symlinkSync(CLI, file);
  const npmLink = await runCli(["install", "--bin-dir", dir], sb.env);
  assert.equal(npmLink.code, 0, npmLink.stderr);
  assert.match(
    npmLink.stderr,
    /^note: replacing .*, npm's link to this jlremote \(it needs node on PATH\), with a launcher$/m,
  );
  assert.ok(lstatSync(file).isFile());
  assert.equal((await runCli(["install", "--bin-dir", ""], sb.env)).code, 2);
});

test("install tells whether the bin dir is on the PATH that ~/.bashrc gives ssh commands", {
  timeout: E2E_TIMEOUT_MS,
  skip: bash ? false : "login shell is not bash",
}, async (t) => {
  const sb = homeSandbox();
  t.after(() => sb.cleanup());
  const off = await runCli(["install"], sb.env);
  assert.equal(off.code, 0, off.stderr);
  assert.match(
    off.stdout,
    /is not on the PATH of non-interactive ssh commands \(\/bin\/bash -c: \/usr\/bin:\/bin\).*first line of ~\/\.bashrc/,
  );
  writeFileSync(join(sb.dir, ".bashrc"), 'export PATH="$HOME/.local/bin:$PATH"\n');
  const on = await runCli(["install"], sb.env);
  assert.equal(on.code, 0, on.stderr);
  assert.match(
    on.stdout,
    new RegExp(`\\n${sb.dir}/\\.local/bin is on the PATH of non-interactive ssh commands .*runs this launcher\\n$`),
  );
});

test("install from a bundle in a temp dir warns that the launcher breaks when it is cleaned up", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = homeSandbox();
  t.after(() => sb.cleanup());
  const copy = join(sb.dir, "jlremote.cjs");
  copyFileSync(CLI, copy);
  const r = spawnSync(process.execPath, [copy, "install"], { env: sb.env, encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^warning: jlremote runs from a temporary location/);
  assert.match(readFileSync(join(sb.dir, ".local", "bin", "jlremote"), "utf8"), new RegExp(`bundle='${copy}'`));
});
