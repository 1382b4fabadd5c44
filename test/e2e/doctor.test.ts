// End-to-end: `jlremote doctor` against the real Debian Jupyter, real dirs and a real login shell, in a sandbox.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, CLI, runCli, sandbox, type Sandbox } from "../helpers/cli.js";

interface Check {
  id: string;
  status: string;
  message: string;
  hint: string | null;
}
interface Report {
  schema: number;
  ok: boolean;
  problems: number;
  warnings: number;
  checks: Check[];
}

/** A sandbox with sshd's base PATH pinned, so what ssh would find does not depend on this machine's /usr/local. */
function doctorSandbox(t: { after: (fn: () => unknown) => void }, extra: Record<string, string> = {}): Sandbox {
  const sb = sandbox({ JLREMOTE_SSH_PATH: "/usr/bin:/bin", ...extra });
  t.after(() => sb.cleanup());
  return sb;
}

async function doctorJson(sb: Sandbox): Promise<{ code: number | null; report: Report; check: (id: string) => Check }> {
  const r = await runCli(["doctor", "--json"], sb.env);
  assert.equal(r.stdout.split("\n").filter(Boolean).length, 1, `not one line: ${r.stdout}`);
  const report = JSON.parse(r.stdout) as Report;
  return { code: r.code, report, check: (id) => report.checks.find((c) => c.id === id) as Check };
}

test("with the real Jupyter on PATH, doctor finds it with its apps, has no problem and exits 0", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = doctorSandbox(t);
  const { code, report, check } = await doctorJson(sb);
  assert.equal(code, 0, JSON.stringify(report));
  assert.equal(report.ok, true);
  assert.equal(report.schema, 1);
  assert.deepEqual(
    report.checks.map((c) => c.id),
    ["node", "runtime", "jupyter", "state-dir", "filesystem", "port", "systemd", "launcher", "config"],
  );
  assert.match(check("runtime").message, /^glibc 2\.\d+; node is not one jllocal installed \(/);
  for (const c of report.checks) assert.ok(["ok", "warning"].includes(c.status) && c.message !== "", JSON.stringify(c));
  assert.equal(check("jupyter").status, "ok");
  assert.match(check("jupyter").message, /^\/\S+\/jupyter \(jupyter_core [\d.]+\); apps: .*server [\d.]+/);
  assert.equal(check("launcher").status, "warning");
  assert.match(check("launcher").hint ?? "", /run `jlremote install`/);

  const text = await runCli(["doctor"], sb.env);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split("\n");
  assert.equal(lines.length, 10);
  for (const l of lines.slice(0, 9)) assert.match(l, /^(ok|warning) +[a-z-]+ +\S/);
  assert.match(lines[9] ?? "", /^doctor: (all good|0 problems, \d warnings?)$/);
});

test("without jupyter on PATH, doctor reports a problem with a hint and exits 1", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = doctorSandbox(t, { PATH: "/nonexistent" });
  const { code, report, check } = await doctorJson(sb);
  assert.equal(code, 1);
  assert.equal(report.ok, false);
  assert.equal(report.problems, 1);
  assert.deepEqual(
    [check("jupyter").status, check("jupyter").message],
    ["problem", "no 'jupyter' on PATH (/nonexistent)"],
  );
  assert.match(check("jupyter").hint ?? "", /pip install --user jupyterlab .*--jupyter PATH/);
  const text = await runCli(["doctor"], sb.env);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^problem jupyter +no 'jupyter' on PATH \(\/nonexistent\) +→ pip install/m);
  assert.equal(text.stderr, "");
});

test("a --jupyter that is not executable is reported as the jupyter problem", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = doctorSandbox(t);
  const r = await runCli(["doctor", "--jupyter", "/nonexistent/jupyter"], sb.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^problem jupyter +--jupyter \/nonexistent\/jupyter is not an executable file +→ /m);
});

test("a state dir readable by others is a warning; one owned by another user is a problem", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = doctorSandbox(t);
  const root = join(sb.env.XDG_STATE_HOME as string, "jlremote");
  mkdirSync(join(root, "default"), { recursive: true });
  chmodSync(root, 0o755);
  chmodSync(join(root, "default"), 0o755);
  const open = await doctorJson(sb);
  assert.equal(open.code, 0);
  assert.equal(open.check("state-dir").status, "warning");
  assert.match(
    open.check("state-dir").message,
    new RegExp(`readable by others: ${root} \\(755\\), ${root}/default \\(755\\)`),
  );
  assert.match(open.check("state-dir").hint ?? "", /chmod -R go-rwx/);

  if (process.getuid?.() !== 0) return t.skip("chown to another user needs root");
  chmodSync(root, 0o700);
  chownSync(root, 65534, 65534);
  const foreign = await doctorJson(sb);
  assert.equal(foreign.code, 1);
  assert.equal(foreign.check("state-dir").status, "problem");
  assert.match(foreign.check("state-dir").message, /belongs to uid 65534, not to you/);
  assert.match(foreign.check("state-dir").hint ?? "", /XDG_STATE_HOME/);
});

test("doctor follows the launcher: off the ssh PATH a warning, its bundle gone a problem", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = doctorSandbox(t);
  assert.equal((await runCli(["install"], sb.env)).code, 0);
  const off = await doctorJson(sb);
  assert.equal(off.check("launcher").status, "warning");
  assert.match(
    off.check("launcher").message,
    /^jllocal finds jlremote 0\.1\.0 at .*\.local\/bin\/jlremote; its dir is not on the non-interactive PATH \(\/usr\/bin:\/bin\)/,
  );

  // A launcher whose bundle was removed (an uninstalled package, a cleaned temp dir).
  const copy = join(sb.dir, "gone.cjs");
  copyFileSync(CLI, copy);
  assert.equal(spawnSync(process.execPath, [copy, "install"], { env: sb.env, stdio: "ignore" }).status, 0);
  rmSync(copy);
  const broken = await doctorJson(sb);
  assert.equal(broken.code, 1);
  assert.equal(broken.check("launcher").status, "problem");
  assert.match(
    broken.check("launcher").message,
    /jlremote and it fails \(exit 127\): jlremote: this launcher .* which is gone/,
  );
  assert.match(broken.check("launcher").hint ?? "", /run `jlremote install`/);
});

// The non-interactive PATH comes from the login shell's rc file: only bash's (~/.bashrc) is modelled.
test("doctor finds the launcher on the PATH that ~/.bashrc gives ssh commands", {
  timeout: E2E_TIMEOUT_MS,
  skip: (userInfo().shell ?? "").endsWith("/bash") ? false : "login shell is not bash",
}, async (t) => {
  const sb = doctorSandbox(t);
  assert.equal((await runCli(["install"], sb.env)).code, 0);
  writeFileSync(join(sb.dir, ".bashrc"), 'export PATH="$HOME/.local/bin:$PATH"\n');
  const on = await doctorJson(sb);
  assert.equal(on.check("launcher").status, "ok", on.check("launcher").message);
  assert.match(
    on.check("launcher").message,
    /^`ssh HOST jlremote` runs .*\.local\/bin\/jlremote \(jlremote 0\.1\.0\)$/,
  );
});
