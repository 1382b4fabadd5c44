// jllocal installs its own jlremote (and a Node.js when the remote has none that works) over its one ssh login, into
// real accounts made with `useradd -m` behind a loopback sshd; the laptop is this account with a sandboxed HOME.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createAccount, type Account } from "../helpers/account.js";
import { alive, freePort, httpStatus, sandbox, waitFor } from "../helpers/cli.js";
import { kernelIds, kernelPid, newKernel, runCode } from "../helpers/kernels.js";
import { killLocalMasters, runJllocal } from "../helpers/jllocal.js";

const VERSION = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as { version: string }
).version;
/** The remote accounts are made with useradd: root only. */
const ROOTLESS = process.getuid?.() === 0 ? false : "needs root (the remote accounts are made with useradd)";
/** The laptop's runtime cache, kept between runs (the pinned Node.js tarball is 43 MB). */
const CACHE = join(tmpdir(), "jlremote-test-cache");

/** A laptop sandbox and a fresh account whose Jupyter is Debian's, on a free port. */
async function world(t: { after: (fn: () => unknown) => unknown }, user: string, bashrcTop = "") {
  const sb = sandbox({ XDG_CACHE_HOME: CACHE });
  const acct = await createAccount(sb.dir, user, bashrcTop);
  const localRoot = join(sb.env.XDG_STATE_HOME as string, "jlremote", "local");
  t.after(async () => {
    await killLocalMasters(localRoot, acct.sshd.sshConfig).catch(() => {});
    await acct.end();
    await sb.cleanup();
  });
  const port = await freePort();
  acct.run(
    `mkdir -p ~/.config/jlremote && echo '{"instances":{"default":{"port":${port}}}}' > ~/.config/jlremote/config.json`,
  );
  const jllocal = (...args: string[]) =>
    runJllocal([acct.sshd.alias, "--no-browser", "--ssh-config", acct.sshd.sshConfig, ...args], sb.env, 240_000);
  return { sb, acct, jllocal };
}

/** `ssh HOST CMD` as the account, through its sshd. */
function ssh(acct: Account, cmd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync("ssh", ["-F", acct.sshd.sshConfig, acct.sshd.alias, cmd], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** GET api/status through the tunnel of the URL jllocal printed, with its token. */
function apiStatus(stdout: string): Promise<number> {
  const url = new URL(stdout.trim());
  return httpStatus(`${url.origin}/api/status`, { Authorization: `token ${url.searchParams.get("token")}` });
}

function deployed(acct: Account, ...rest: string[]): string {
  return join(acct.home, ".local/share/jlremote", ...rest);
}

test("an account with nothing of ours: --no-install and --remote-cmd refuse, then one login installs it, a second run copies nothing", {
  timeout: 300_000,
  skip: ROOTLESS,
}, async (t) => {
  const { acct, jllocal, sb } = await world(t, "jlrdeploy1");
  const refused = await jllocal("--no-install");
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /jlremote not found on .*without --no-install/);
  const other = await jllocal("--remote-cmd", "/nonexistent/jlremote");
  assert.equal(other.code, 1, other.stderr);
  assert.equal(existsSync(deployed(acct)), false, "nothing may be copied");
  const before = acct.sshd.logins();
  const first = await jllocal();
  assert.equal(first.code, 0, first.stderr);
  assert.equal(acct.sshd.logins() - before, 1, "one authentication");
  assert.match(
    first.stderr,
    new RegExp(`installed jlremote ${VERSION.replaceAll(".", "\\.")} on .* running on /usr/bin/node`),
  );
  assert.equal(first.stderr.match(/installed/g)?.length, 1, first.stderr);
  assert.equal(await apiStatus(first.stdout), 200);
  const v = ssh(acct, "~/.local/bin/jlremote --version");
  assert.equal(v.stdout.trim(), VERSION, v.stderr);
  for (const dir of ["python", "labextension"]) {
    if (existsSync(join(import.meta.dirname, "../../dist", dir)))
      assert.ok(existsSync(deployed(acct, VERSION, dir)), dir);
  }
  const bundle = deployed(acct, VERSION, "jlremote.cjs");
  const st = statSync(bundle);
  // A new master (the old one killed): the fresh path runs again and finds the installed version.
  await killLocalMasters(join(sb.env.XDG_STATE_HOME as string, "jlremote", "local"), acct.sshd.sshConfig);
  const second = await jllocal();
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stderr, /installed/);
  const st2 = statSync(bundle);
  assert.equal(st2.ino, st.ino);
  assert.equal(st2.mtimeMs, st.mtimeMs);
});

/** Executables first on the account's non-interactive PATH (~/.bashrc), each printing `text`. */
function fakeTools(acct: Account, tools: Record<string, string>): void {
  const lines = Object.entries(tools).map(
    ([name, text]) => `printf '#!/bin/sh\\necho "%s"\\n' '${text}' > ~/fake/${name} && chmod +x ~/fake/${name}`,
  );
  acct.run(["mkdir -p ~/fake", ...lines].join(" && "));
}

test("a node too old first on the PATH of ssh commands: jllocal brings Node.js and the supervisor runs on it", {
  timeout: 300_000,
  skip: ROOTLESS,
}, async (t) => {
  const { acct, jllocal } = await world(t, "jlrdeploy2", 'export PATH="$HOME/fake:$PATH"');
  fakeTools(acct, { node: "v16.20.2" });
  assert.equal(ssh(acct, "node --version").stdout.trim(), "v16.20.2");
  const r = await jllocal();
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /installed jlremote .* with Node\.js 20\.20\.2 installed in ~\/\.local\/share\/jlremote\/node-20\.20\.2/,
  );
  assert.doesNotMatch(r.stderr, /copying/, "no progress when stderr is not a terminal");
  assert.equal(await apiStatus(r.stdout), 200);
  const st = JSON.parse(ssh(acct, "~/.local/bin/jlremote status --json").stdout) as { supervisorPid: number };
  const exe = spawnSync("readlink", [`/proc/${st.supervisorPid}/exe`], { encoding: "utf8" }).stdout.trim();
  assert.equal(exe, deployed(acct, "node-20.20.2", "bin", "node"));
  const version = spawnSync(exe, ["--version"], { encoding: "utf8" }).stdout.trim();
  assert.equal(version, "v20.20.2");
  const doctor = ssh(acct, "~/.local/bin/jlremote doctor");
  assert.match(doctor.stdout, /runtime +glibc 2\.\d+; node is the Node\.js runtime jllocal installed/);
  // uninstall --all keeps what the running instance uses, and removes it once the instance is stopped.
  const own = `~/.local/share/jlremote/${VERSION}/bin/jlremote`;
  const busy = ssh(acct, "~/.local/bin/jlremote uninstall --all");
  assert.equal(busy.code, 0, busy.stderr);
  assert.match(busy.stderr, new RegExp(`kept .*/${VERSION.replaceAll(".", "\\.")}: in use`));
  assert.match(busy.stderr, /kept .*\/node-20\.20\.2: (in use|jlremote .* runs on it)/);
  assert.equal(existsSync(deployed(acct, "node-20.20.2", "bin", "node")), true);
  assert.equal(ssh(acct, `${own} stop`).code, 0);
  const gone = ssh(acct, `${own} uninstall --all`);
  assert.equal(gone.code, 0, gone.stderr);
  assert.deepEqual(readdirSync(deployed(acct)), []);
});

test("a glibc too old for the official build: one clear error naming the fixes, exit 1, nothing copied; --remote-node works", {
  timeout: 300_000,
  skip: ROOTLESS,
}, async (t) => {
  const { acct, jllocal } = await world(t, "jlrdeploy3", 'export PATH="$HOME/fake:$PATH"');
  fakeTools(acct, { node: "v16.20.2", getconf: "glibc 2.17", ldd: "ldd (GNU libc) 2.17" });
  const r = await jllocal();
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0] as string,
    /glibc >= 2\.28 \(this has glibc 2\.17\).*conda install -c conda-forge nodejs.*--remote-node PATH/,
  );
  assert.equal(existsSync(deployed(acct)), false, "nothing may be copied");
  const ok = await jllocal("--remote-node", "/usr/bin/node");
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /installed jlremote .* running on \/usr\/bin\/node/);
});

/** `jlremote status --json` of an instance, as the account's launcher runs it. */
function remoteStatus(acct: Account, name = "default") {
  const r = ssh(acct, `~/.local/bin/jlremote status --json --name ${name}`);
  return JSON.parse(r.stdout) as {
    state: string;
    version: string;
    supervisorPid: number;
    jupyterPid: number;
    port: number;
    token: string;
    kernelAdoption: { adopted: { id: string; pid: number }[] } | null;
  };
}

// Version A is this very bundle with another version string, installed as a jllocal of version A would have left it:
// in ~/.local/share/jlremote/A/ with its launchers (`jlremote install --bin-dir A/bin`, then `jlremote install`).
test("an instance started by version A is found by jllocal B (installed beside it), stopped by B, and its kernel re-adopted by B's supervisor", {
  timeout: 300_000,
  skip: ROOTLESS,
}, async (t) => {
  const { acct, jllocal } = await world(t, "jlrdeploy4");
  const A = "0.0.9-skew";
  const dist = join(import.meta.dirname, "../../dist");
  const [p1, p2] = [await freePort(), await freePort()];
  // The (minified) bundle names its version in one string literal: that one is A's.
  assert.equal(readFileSync(join(dist, "jlremote.cjs"), "utf8").split(JSON.stringify(VERSION)).length, 2);
  acct.run(
    [
      `echo '{"instances":{"default":{"port":${p1},"app":"server"},"other":{"port":${p2}}}}' > ~/.config/jlremote/config.json`,
      `d=~/.local/share/jlremote/${A}`,
      'mkdir -p "$d"',
      `cp -r ${dist}/python "$d/"`,
      `sed 's/"${VERSION.replaceAll(".", "\\.")}"/"${A}"/' ${dist}/jlremote.cjs > "$d/jlremote.cjs"`,
      'node "$d/jlremote.cjs" install --bin-dir "$d/bin" >/dev/null',
      'node "$d/jlremote.cjs" install >/dev/null',
    ].join(" && "),
  );
  assert.equal(ssh(acct, "~/.local/bin/jlremote --version").stdout.trim(), A);
  for (const name of ["default", "other"]) {
    const r = ssh(acct, `~/.local/bin/jlremote start --name ${name}`);
    assert.equal(r.code, 0, r.stderr);
  }
  const a = remoteStatus(acct);
  assert.equal(a.version, A);
  const kernel = await newKernel(a.port, a.token);
  assert.equal((await runCode(a.port, a.token, kernel, "x = 41")).status, "ok");
  const kpid = await waitFor("kernel pid", () => kernelPid(kernel));

  // B finds no B there (A's launcher is not B): installs B beside A and connects to A's running instance.
  const r = await jllocal();
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`installed jlremote ${VERSION.replaceAll(".", "\\.")} .*~/\\.local/bin/jlremote runs it`),
  );
  assert.equal(await apiStatus(r.stdout), 200);
  assert.equal(ssh(acct, "~/.local/bin/jlremote --version").stdout.trim(), VERSION);
  assert.ok(existsSync(deployed(acct, A, "jlremote.cjs")), "A stays beside B");

  // B stops an instance A's supervisor runs.
  const other = remoteStatus(acct, "other");
  assert.equal(other.version, A);
  assert.equal(ssh(acct, "~/.local/bin/jlremote stop --name other").code, 0);
  await waitFor("A's supervisor of 'other' to exit", () => !alive(other.supervisorPid), 30_000);

  // A's supervisor dies (as in an upgrade gone wrong); B adopts its Jupyter, restarts it and re-adopts the kernel.
  process.kill(a.supervisorPid, "SIGKILL");
  await waitFor("A's supervisor gone", () => !alive(a.supervisorPid), 10_000);
  const adopt = ssh(acct, "~/.local/bin/jlremote start");
  assert.equal(adopt.code, 0, adopt.stderr);
  const restart = ssh(acct, "~/.local/bin/jlremote restart");
  assert.equal(restart.code, 0, restart.stderr);
  let last: unknown = null;
  const b = await waitFor(
    "B's restarted Jupyter to list the kernel",
    async () => {
      const s = remoteStatus(acct);
      last = s;
      const ids = s.state === "running" && s.jupyterPid !== a.jupyterPid ? await kernelIds(s.port, s.token) : null;
      return ids?.includes(kernel) ? s : null;
    },
    90_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: last status ${JSON.stringify(last)}; restart said ${restart.stderr}`);
  });
  assert.equal(b.version, VERSION);
  assert.equal(kernelPid(kernel), kpid);
  assert.deepEqual(await runCode(b.port, b.token, kernel, "x + 1"), { status: "ok", text: "42" });
  assert.deepEqual(b.kernelAdoption?.adopted, [{ id: kernel, pid: kpid }]);
  assert.equal(ssh(acct, "~/.local/bin/jlremote stop").code, 0);
  await waitFor("the kernel to end", () => !alive(kpid), 30_000);
});
