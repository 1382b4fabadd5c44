// End-to-end: `jlremote service` where there is no systemd user manager (this machine's normal state, and many
// clusters'), and what an installed service changes for status/start/uninstall without spawning systemctl.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, runCli, sandbox, type Sandbox } from "../helpers/cli.js";

/** A sandbox whose XDG_RUNTIME_DIR is an empty 0700 dir: no user manager, even on a host booted with systemd. */
function box(t: { after: (fn: () => Promise<void>) => void }): Sandbox {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  sb.env.XDG_RUNTIME_DIR = join(sb.dir, "xdg");
  mkdirSync(sb.env.XDG_RUNTIME_DIR, { mode: 0o700 });
  return sb;
}

/** A hand-written drop-in, as `service install` leaves it, for `host`. */
function fakeInstalled(sb: Sandbox, name: string, host: string): string {
  const dir = join(sb.env.XDG_CONFIG_HOME as string, "systemd", "user", `jlremote@${name}.service.d`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "options.conf"),
    `[Unit]\nConditionHost=${host}\n[Service]\nExecStart=\nExecStart=/bin/true\n`,
  );
  writeFileSync(join(dir, "..", "jlremote@.service"), "[Service]\nExecStart=/bin/true\n");
  return dir;
}

test("service install without a user manager fails with one line that points to detached mode, and writes nothing", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  // Without XDG_RUNTIME_DIR, /run/user/UID is tried: test that variant only where no manager lives there.
  const unset = Object.fromEntries(Object.entries(sb.env).filter(([k]) => k !== "XDG_RUNTIME_DIR"));
  for (const env of existsSync(`/run/user/${process.getuid?.() ?? 0}`) ? [sb.env] : [sb.env, unset]) {
    const r = await runCli(["service", "install", "--app", "server"], env);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] ?? "",
      /^jlremote: no systemd user manager here \(.+\); nothing installed\. `jlremote start` runs Jupyter detached without systemd/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.equal(existsSync(join(sb.env.XDG_CONFIG_HOME as string, "systemd")), false);
  assert.equal(existsSync(join(sb.dir, "state", "jlremote", "default", "state.json")), false);
});

test("service install validates its start options like start does (exit 2) before looking for systemd", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const bad = await runCli(["service", "install", "--port", "0"], sb.env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port 0: expected a port number/);
  const missing = await runCli(["service", "install", "--root-dir", join(sb.dir, "nope")], sb.env);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such directory/);
  const name = await runCli(["service", "install", "--name", "../x"], sb.env);
  assert.equal(name.code, 2);
});

test("status --json says managedBy systemd only when the drop-in for this host exists", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const plain = JSON.parse((await runCli(["status", "--json"], sb.env)).stdout) as { managedBy: string };
  assert.equal(plain.managedBy, "jlremote");
  fakeInstalled(sb, "default", hostname());
  const r = await runCli(["status", "--json"], sb.env);
  assert.equal(r.code, 3);
  assert.equal((JSON.parse(r.stdout) as { managedBy: string }).managedBy, "systemd");
  fakeInstalled(sb, "other", "some-other-login-node");
  assert.equal(
    (JSON.parse((await runCli(["status", "--json", "--name", "other"], sb.env)).stdout) as { managedBy: string })
      .managedBy,
    "jlremote",
  );
  // list says the same for each instance it finds (one with a state dir).
  for (const name of ["default", "other"]) mkdirSync(sb.stateDir(name), { recursive: true, mode: 0o700 });
  const list = JSON.parse((await runCli(["list", "--json"], sb.env)).stdout) as { name: string; managedBy: string }[];
  assert.deepEqual(
    list.map((i) => [i.name, i.managedBy]),
    [
      ["default", "systemd"],
      ["other", "jlremote"],
    ],
  );
});

test("status and list of a service instance never run systemctl (status stays fast); start does", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  fakeInstalled(sb, "default", hostname());
  const bin = join(sb.dir, "bin");
  const called = join(sb.dir, "systemctl-called");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "systemctl"),
    `#!/bin/sh\necho "$@" >> '${called}'\necho 'Failed to connect to bus' >&2\nexit 1\n`,
    { mode: 0o755 },
  );
  const env = { ...sb.env, PATH: `${bin}:${sb.env.PATH}` };
  const r = await runCli(["status", "--json"], env);
  assert.equal((JSON.parse(r.stdout) as { managedBy: string }).managedBy, "systemd");
  assert.equal((await runCli(["list", "--json"], env)).code, 0);
  assert.equal(existsSync(called), false);
  assert.equal((await runCli(["start"], env)).code, 1);
  assert.match(readFileSync(called, "utf8"), /^--user start jlremote@default\.service$/m);
});

test("start of an installed service with no user manager refuses with a hint and starts nothing", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  fakeInstalled(sb, "default", hostname());
  const r = await runCli(["start", "--port", "9"], sb.env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /note: 'default' is a systemd service; .*ignoring --port/);
  assert.match(
    r.stderr,
    /installed as a systemd user service, but no systemd user manager answers .*`jlremote service uninstall --name default` and use `jlremote start`/,
  );
  assert.equal(existsSync(join(sb.dir, "state", "jlremote", "default", "state.json")), false);
});

test("service status without a manager reports not installed / unreachable and exits 3", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const r = await runCli(["service", "status", "--json"], sb.env);
  assert.equal(r.code, 3);
  assert.equal(r.stdout.trim().split("\n").length, 1);
  const s = JSON.parse(r.stdout) as { installed: boolean; manager: string; instance: { state: string } };
  assert.equal(s.installed, false);
  assert.match(s.manager, /^unreachable: /);
  assert.equal(s.instance.state, "stopped");
});

test("service uninstall removes the files even without a manager, and is a no-op when not installed", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const none = await runCli(["service", "uninstall"], sb.env);
  assert.equal(none.code, 0);
  assert.match(none.stderr, /not installed as a service/);
  const dir = fakeInstalled(sb, "default", hostname());
  const r = await runCli(["service", "uninstall"], sb.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /removing the files only/);
  assert.equal(existsSync(dir), false);
  assert.deepEqual(readdirSync(join(dir, "..")), []);
  assert.equal(
    (JSON.parse((await runCli(["status", "--json"], sb.env)).stdout) as { managedBy: string }).managedBy,
    "jlremote",
  );
});

test("a service installed for another host (shared home) is neither taken over nor uninstalled from here (exit 4)", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  const dir = fakeInstalled(sb, "shared", "login-node-7");
  const before = readFileSync(join(dir, "options.conf"), "utf8");
  const install = await runCli(["service", "install", "--name", "shared", "--app", "server"], sb.env);
  assert.equal(install.code, 4, install.stderr);
  assert.match(install.stderr, /installed as a service for host login-node-7/);
  const uninstall = await runCli(["service", "uninstall", "--name", "shared"], sb.env);
  assert.equal(uninstall.code, 4, uninstall.stderr);
  assert.match(uninstall.stderr, /run `jlremote service uninstall --name shared` there/);
  assert.equal(readFileSync(join(dir, "options.conf"), "utf8"), before);
});

test("start of a service instance still rejects a malformed option (exit 2) instead of ignoring it", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = box(t);
  fakeInstalled(sb, "svc", hostname());
  const r = await runCli(["start", "--name", "svc", "--port", "abc"], sb.env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--port abc: expected a port number/);
});
