// Remembered options, the remote defaults file and `jlremote config`, end to end with Debian's Jupyter.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, freePort, httpStatus, runCli, sandbox, type Sandbox } from "../helpers/cli.js";
import { jupyterlab4, labVenv } from "../helpers/flavours.js";
import { status } from "../helpers/jupyter.js";

function withConfig(sb: Sandbox, config: unknown): string {
  const dir = join(sb.env.XDG_CONFIG_HOME as string, "jlremote");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "config.json");
  writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config));
  return file;
}

test("options of an explicit start are remembered (0600 settings.json, shown by status without the token); a changed start applies at restart; --reset forgets", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const root = join(sb.dir, "proj");
  mkdirSync(root);
  const port = await freePort();
  const r = await runCli(
    ["start", "--app", "server", "--port", String(port), "--root-dir", root, "--timeout", "90"],
    sb.env,
  );
  assert.equal(r.code, 0, r.stderr);
  const file = join(sb.stateDir(), "settings.json");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const s = await status(sb);
  assert.deepEqual(s.settings, { app: "server", port, rootDir: root, timeout: 90 });
  assert.ok(!readFileSync(file, "utf8").includes(s.token));

  // Different options on the running instance: remembered, not applied yet, and said so.
  const nb = await runCli(["start", "--app", "notebook"], sb.env);
  assert.equal(nb.code, 0, nb.stderr);
  assert.equal(nb.stdout.trim(), s.url, "still the running server");
  assert.match(
    nb.stderr,
    /already runs with other options; yours are remembered and apply after `jlremote restart --name default`/,
  );
  assert.deepEqual((await status(sb)).settings, { app: "notebook", port, rootDir: root, timeout: 90 });

  const rr = await runCli(["restart"], sb.env);
  assert.equal(rr.code, 0, rr.stderr);
  assert.match(
    rr.stdout.trim(),
    new RegExp(`^http://127\\.0\\.0\\.1:${port}/tree\\?token=${s.token}$`),
    "notebook now, same port and token",
  );
  assert.equal(await httpStatus(rr.stdout.trim()), 200);
  const after = await status(sb);
  assert.equal(after.app, "notebook");
  assert.equal(after.supervisorPid, s.supervisorPid, "restart kept the supervisor");

  // A start without options on the running instance says nothing about options.
  const plain = await runCli(["start"], sb.env, { cwd: "/" });
  assert.equal(plain.code, 0);
  assert.doesNotMatch(plain.stderr, /other options/);

  assert.equal((await runCli(["stop"], sb.env)).code, 0);
  const reset = await runCli(["start", "--reset", "--app", "server", "--json"], sb.env, { cwd: root });
  assert.equal(reset.code, 0, reset.stderr);
  const fresh = JSON.parse(reset.stdout) as { app: string; settings: unknown };
  assert.equal(fresh.app, "server");
  assert.deepEqual(fresh.settings, { app: "server" }, "--reset forgot port, root dir and timeout");
});

test("the config file gives defaults and per-name settings, below remembered and command-line options; `config` says where each came from", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const root = join(sb.dir, "work");
  mkdirSync(root);
  const file = withConfig(sb, {
    defaults: { app: "server", timeout: 45, env: { JLR_A: "from-defaults" } },
    instances: { x: { rootDir: "~/work", env: { JLR_B: "$HOME/b" } } },
    profiles: { big: { sbatch: ["--mem=1G"] } },
  });
  const port = await freePort();
  const r = await runCli(["start", "--name", "x", "--port", String(port), "--json"], sb.env);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { app: string; jupyterPid: number; settings: unknown };
  assert.equal(s.app, "server");
  assert.deepEqual(s.settings, { port }, "only the command line is remembered");
  const environ = readFileSync(`/proc/${s.jupyterPid}/environ`, "utf8").split("\0");
  assert.ok(
    environ.includes("JLR_A=from-defaults") && environ.includes(`JLR_B=${sb.dir}/b`),
    "env additions reach Jupyter",
  );
  assert.equal(statSync(`/proc/${s.jupyterPid}/cwd`).ino, statSync(root).ino);

  const c = await runCli(["config", "--name", "x", "--json"], sb.env);
  assert.equal(c.code, 0, c.stderr);
  const cfg = JSON.parse(c.stdout) as {
    configFile: string;
    settings: { key: string; value: unknown; source: string; where: string | null }[];
  };
  assert.equal(cfg.configFile, file);
  const by = Object.fromEntries(cfg.settings.map((x) => [x.key, x]));
  assert.deepEqual([by.app?.value, by.app?.source, by.app?.where], ["server", "config file", `${file} (defaults)`]);
  assert.deepEqual(
    [by.rootDir?.value, by.rootDir?.source, by.rootDir?.where],
    [root, "config file", `${file} (instances.x)`],
  );
  assert.deepEqual([by.port?.value, by.port?.source], [port, "remembered"]);
  assert.deepEqual([by.maxRestarts?.value, by.maxRestarts?.source], [5, "default"]);
  const text = await runCli(["config", "--name", "x"], sb.env);
  assert.match(text.stdout, /^ {2}port +\d+ +remembered/m);
  // jupyter_core's launcher would exec the entry point beside it: jlremote runs that directly.
  assert.match(text.stdout, /^ {2}runs: \/usr\/bin\/jupyter-server$/m);
  assert.equal((await runCli(["stop", "--name", "x"], sb.env)).code, 0);
});

test("a bad config file: start and config exit 2 naming the file, the key and the value; status does not read it; doctor reports it", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const file = withConfig(sb, { instances: { x: { port: "eighty" } } });
  for (const args of [
    ["start", "--name", "x"],
    ["config", "--name", "x"],
    ["start", "--name", "y", "--app", "server"],
  ]) {
    const r = await runCli(args, sb.env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr, `jlremote: ${file}: instances.x.port: "eighty": expected a port number from 1 to 65535\n`);
  }
  const st = await runCli(["status", "--name", "x", "--json"], sb.env);
  assert.equal(st.code, 3);
  assert.equal(JSON.parse(st.stdout).state, "stopped");
  const doc = await runCli(["doctor", "--json"], sb.env);
  const check = (JSON.parse(doc.stdout) as { checks: { id: string; status: string; message: string }[] }).checks.find(
    (x) => x.id === "config",
  );
  assert.equal(check?.status, "problem");
  assert.match(check?.message ?? "", /instances\.x\.port: "eighty"/);
  withConfig(sb, "{ not json");
  const bad = await runCli(["start"], sb.env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /config\.json: not valid JSON/);
});

test("a damaged settings.json is a usage error naming it; --reset starts afresh", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.stateDir(), "settings.json"), JSON.stringify({ schema: 1, settings: { maxRestarts: -1 } }));
  const r = await runCli(["start", "--app", "server"], sb.env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /settings\.json: settings\.maxRestarts: -1: expected a whole number from 0 to 1000000/);
  const ok = await runCli(["start", "--reset", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
});

test("a remembered or configured value that no longer works says where it came from and how to change it", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(sb.stateDir(), "settings.json"),
    JSON.stringify({ schema: 1, settings: { rootDir: join(sb.dir, "gone") } }),
    { mode: 0o600 },
  );
  const r = await runCli(["start", "--app", "server"], sb.env);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(
    r.stderr,
    /--root-dir .*gone: no such directory.*\(remembered from an earlier start; `jlremote start --name default --reset` forgets it\)$/m,
  );
  withConfig(sb, JSON.stringify({ instances: { default: { jupyter: join(sb.dir, "gone", "bin", "jupyter") } } }));
  const c = await runCli(["start", "--reset", "--app", "server"], sb.env);
  assert.equal(c.code, 2, c.stderr);
  assert.match(
    c.stderr,
    /gone\/bin\/jupyter: not an executable file.*\(from .*config\.json \(instances\.default\)\)$/m,
  );
});

test("start --profile NAME: the profile's options, the command line's over them, remembered as options; an unknown profile is exit 2", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const root = join(sb.dir, "proj");
  mkdirSync(root);
  const [port, other] = [await freePort(), await freePort()];
  withConfig(sb, {
    profiles: {
      small: { app: "server", rootDir: root, port, timeout: 90 },
      gpu: { scheduler: "slurm", sbatch: "-p gpu" },
    },
  });
  const unknown = await runCli(["start", "--profile", "big"], sb.env);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.equal(unknown.stderr.trim().split("\n").length, 1, unknown.stderr);
  assert.match(unknown.stderr, /^jlremote: --profile big: no such profile in .*config\.json; known: small, gpu$/m);
  const r = await runCli(["start", "--profile", "small", "--port", String(other), "--json"], sb.env, { cwd: "/" });
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { app: string; port: number; settings: unknown };
  assert.equal(s.app, "server");
  assert.equal(s.port, other, "the command line's --port wins over the profile's");
  assert.deepEqual(s.settings, { app: "server", port: other, rootDir: root, timeout: 90 });
  const cfg = await runCli(["config", "--json"], sb.env);
  const rootDir = (
    JSON.parse(cfg.stdout) as { settings: { key: string; value: unknown; source: string }[] }
  ).settings.find((x) => x.key === "rootDir");
  assert.deepEqual([rootDir?.value, rootDir?.source], [root, "remembered"]);
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
});

test("doctor shows what a python interpreter, a lone jupyter-lab and jupyter offer and what --app auto runs", {
  timeout: E2E_TIMEOUT_MS,
  skip: jupyterlab4.skip,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  mkdirSync(join(sb.dir, "pipx"));
  symlinkSync(join(labVenv, "bin", "jupyter-lab"), join(sb.dir, "pipx", "jupyter-lab"));
  const cases: [string, RegExp][] = [
    [
      join(labVenv, "bin", "python"),
      /\(a Python interpreter\).*apps: lab 4\.\d+\.\d+, server 2\.\d+\.\d+; --app auto picks lab \(.*bin\/python -m jupyterlab\)/,
    ],
    [
      join(sb.dir, "pipx", "jupyter-lab"),
      /\(an app's own entry point\); apps: lab 4\.\d+\.\d+; --app auto picks lab \(.*pipx\/jupyter-lab\)/,
    ],
    [
      "/usr/bin/jupyter",
      /apps: notebook 6\.\d+\.\d+, server 1\.\d+\.\d+; --app auto picks notebook \(\/usr\/bin\/jupyter-notebook\)/,
    ],
  ];
  for (const [jupyter, re] of cases) {
    const r = await runCli(["doctor", "--json", "--jupyter", jupyter], sb.env);
    const check = (JSON.parse(r.stdout) as { checks: { id: string; status: string; message: string }[] }).checks.find(
      (x) => x.id === "jupyter",
    );
    assert.equal(check?.status, "ok", jupyter);
    assert.match(check?.message ?? "", re);
  }
  // Without --jupyter, doctor checks the instance's setting from the config file.
  withConfig(sb, { defaults: { jupyter: join(sb.dir, "pipx", "jupyter-lab") } });
  const r = await runCli(["doctor", "--json"], sb.env);
  const check = (JSON.parse(r.stdout) as { checks: { id: string; message: string }[] }).checks.find(
    (x) => x.id === "jupyter",
  );
  assert.match(check?.message ?? "", /pipx\/jupyter-lab/);
});
