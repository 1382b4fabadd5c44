// The unit files `service install` writes pass `systemd-analyze verify --user` without a single warning.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { renderServiceFiles } from "../../../src/commands/service-install.js";
import { resolveStartOptions } from "../../../src/instance/start-options.js";
import { CLI, have } from "../../helpers/cli.js";
import { schedulerNames } from "../../../src/backends/registry.js";

const skip = !have("systemd-analyze")
  ? "systemd-analyze not installed"
  : !have("jupyter")
    ? "no jupyter on PATH"
    : false;

/** A HOME with XDG dirs and a 0700 runtime dir, as systemd-analyze --user wants. */
function home(t: { after: (fn: () => void) => void }): { dir: string; env: Record<string, string>; unitDir: string } {
  const dir = mkdtempSync(join(tmpdir(), "jlr-unit-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "xdg"), { mode: 0o700 });
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_STATE_HOME: join(dir, "state"),
    XDG_RUNTIME_DIR: join(dir, "xdg"),
    LANG: "C.UTF-8",
  };
  return { dir, env, unitDir: join(dir, "config", "systemd", "user") };
}

function verify(env: Record<string, string>, unitFile: string): { status: number | null; stderr: string } {
  const r = spawnSync("systemd-analyze", ["verify", "--user", unitFile], { env, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
}

test("the generated template and drop-in (odd root dir, extra args with $ and %) verify cleanly", {
  skip,
}, async (t) => {
  const { dir, env, unitDir } = home(t);
  const root = join(dir, "my proj 100%");
  mkdirSync(root);
  const options = await resolveStartOptions(
    {
      name: "lab-1.x",
      app: "server",
      jupyter: "jupyter",
      port: "9123",
      rootDir: root,
      maxRestarts: 5,
      timeout: 60,
      stopTimeout: 7,
      healthInterval: 30,
      healthRetries: 3,
      extraArgs: ["--ServerApp.base_url=/a$b%c/", 'quote"d'],
    },
    { env, cwd: dir, schedulerNames },
  );
  const files = renderServiceFiles(options, { env, cwd: dir, self: [process.execPath, CLI] });
  mkdirSync(join(unitDir, "jlremote@lab-1.x.service.d"), { recursive: true });
  writeFileSync(join(unitDir, "jlremote@.service"), files.template);
  writeFileSync(join(unitDir, "jlremote@lab-1.x.service.d", "options.conf"), files.dropIn);
  assert.match(files.dropIn, /"--root-dir" "[^"]*my proj 100%%"/);
  assert.match(
    files.dropIn,
    new RegExp(
      `^ExecStart="${process.execPath}" "--single-threaded-gc" "--no-concurrent-recompilation" "${CLI}" "run" "--name" "lab-1.x" `,
      "m",
    ),
  );
  const r = verify(env, join(unitDir, "jlremote@lab-1.x.service"));
  assert.equal(r.stderr.trim(), "", "systemd-analyze printed warnings");
  assert.equal(r.status, 0);
});

test("a drop-in with a bad key makes the check fail (the check can fail)", { skip }, async (t) => {
  const { env, unitDir } = home(t);
  const options = await resolveStartOptions(
    {
      name: "x",
      app: "server",
      jupyter: "jupyter",
      rootDir: "/",
      maxRestarts: 5,
      timeout: 60,
      stopTimeout: 10,
      extraArgs: [],
    },
    { env, cwd: "/", schedulerNames },
  );
  const files = renderServiceFiles(options, { env, cwd: "/", self: [process.execPath, CLI] });
  mkdirSync(join(unitDir, "jlremote@x.service.d"), { recursive: true });
  writeFileSync(join(unitDir, "jlremote@.service"), files.template);
  writeFileSync(join(unitDir, "jlremote@x.service.d", "options.conf"), `${files.dropIn}KillMod=mixed\n`);
  assert.match(verify(env, join(unitDir, "jlremote@x.service")).stderr, /Unknown key/);
});

test("the repository's template verifies cleanly for a user whose ~/.local/bin/jlremote exists", {
  skip,
}, async (t) => {
  const { dir, env, unitDir } = home(t);
  mkdirSync(join(dir, ".local", "bin"), { recursive: true });
  symlinkSync(CLI, join(dir, ".local", "bin", "jlremote"));
  mkdirSync(unitDir, { recursive: true });
  spawnSync("cp", [resolve(import.meta.dirname, "../../../systemd/jlremote@.service"), unitDir]);
  const r = verify(env, join(unitDir, "jlremote@default.service"));
  assert.equal(r.stderr.trim(), "", "systemd-analyze printed warnings");
  assert.equal(r.status, 0);
});
