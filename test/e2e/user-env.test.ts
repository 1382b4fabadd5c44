// The user's own Jupyter on a bare-PATH remote: a conda-like env (a venv not on PATH), a pipx-like install (only
// `jupyter-lab` in a dir of its own) and a prologue that activates the env. Each starts, comes back with the same
// settings after a crash of supervisor and Jupyter (by `start` and by jllocal's auto-start over a real sshd).
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  E2E_TIMEOUT_MS,
  alive,
  CLI,
  freePort,
  httpStatus,
  killRecorded,
  runCli,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import { jupyterlab4, labVenv } from "../helpers/flavours.js";
import { cmdline, type Status } from "../helpers/jupyter.js";
import { killLocalMasters, runJllocal } from "../helpers/jllocal.js";
import { startSshd, type Sshd } from "../helpers/sshd.js";

const skip =
  jupyterlab4.skip || (existsSync("/usr/sbin/sshd") ? false : "no /usr/sbin/sshd (make test installs it as root)");

describe("the user's own Jupyter survives crashes with its settings, also through jllocal over a bare-PATH ssh", {
  skip,
}, () => {
  let sb: Sandbox | undefined;
  let sshd: Sshd | undefined;
  let home = "";
  let proj = "";
  let remoteEnv: Record<string, string> = {};
  let localEnv: Record<string, string> = {};

  before(
    async () => {
      sb = sandbox();
      home = join(sb.dir, "remote-home");
      proj = join(home, "proj");
      mkdirSync(join(home, ".local", "bin"), { recursive: true });
      mkdirSync(join(home, "work"));
      mkdirSync(proj);
      const launcher = join(home, ".local", "bin", "jlremote");
      writeFileSync(launcher, `#!/bin/sh\ncd "$HOME/work" || exit 1\nexec ${process.execPath} ${CLI} "$@"\n`);
      chmodSync(launcher, 0o755);
      // pipx-like: a directory holding nothing but a `jupyter-lab` link into the tool's own venv.
      mkdirSync(join(sb.dir, "pipx-bin"));
      symlinkSync(join(labVenv, "bin", "jupyter-lab"), join(sb.dir, "pipx-bin", "jupyter-lab"));
      // The remote defaults file: the prologue instance activates the env (like `conda activate lab`).
      mkdirSync(join(home, ".config", "jlremote"), { recursive: true });
      writeFileSync(
        join(home, ".config", "jlremote", "config.json"),
        JSON.stringify({ instances: { prologued: { prologue: `. ${labVenv}/bin/activate && echo activated >&2` } } }),
      );
      // A bare PATH: Debian's jupyter (the wrong one) is on it, the venv is not.
      remoteEnv = {
        HOME: home,
        PATH: "/usr/bin:/bin",
        XDG_STATE_HOME: join(sb.dir, "remote-state"),
        XDG_CONFIG_HOME: join(home, ".config"),
        JUPYTER_RUNTIME_DIR: join(home, "jr"),
        JUPYTER_CONFIG_DIR: join(home, "jc"),
        JUPYTER_DATA_DIR: join(home, "jd"),
        IPYTHONDIR: join(home, "ipython"),
        LANG: "C.UTF-8",
      };
      sshd = await startSshd(sb.dir, remoteEnv);
      localEnv = { ...sb.env };
    },
    { timeout: E2E_TIMEOUT_MS },
  );

  after(
    async () => {
      if (sshd && sb)
        await killLocalMasters(join(sb.env.XDG_STATE_HOME as string, "jlremote", "local"), sshd.sshConfig).catch(
          () => {},
        );
      if (sb) killRecorded(join(sb.dir, "remote-state", "jlremote"));
      if (sshd) await sshd.stop();
      if (sb) await sb.cleanup();
    },
    { timeout: E2E_TIMEOUT_MS },
  );

  async function remoteStatus(
    name: string,
  ): Promise<Status & { settings: Record<string, unknown> | null; code: number | null }> {
    const r = await runCli(["status", "--json", "--name", name], remoteEnv);
    return { ...(JSON.parse(r.stdout) as Status & { settings: Record<string, unknown> | null }), code: r.code };
  }

  /** The running Jupyter is the wanted one: its command line, its working directory, lab. */
  async function assertSettings(name: string, wanted: RegExp): Promise<Status> {
    const s = await remoteStatus(name);
    assert.equal(s.state, "running", `${name}: ${JSON.stringify(s)}`);
    assert.equal(s.app, "lab");
    assert.match(s.url, /\/lab\?token=/);
    const cmd = cmdline(s.jupyterPid);
    assert.match(cmd, wanted, `${name} runs ${cmd}`);
    assert.doesNotMatch(cmd, /^\/bin\/sh /, "the prologue's sh was replaced by Jupyter (exec, same PID)");
    assert.equal(readlinkSync(`/proc/${s.jupyterPid}/cwd`), proj, "serves the remembered root dir");
    assert.equal(s.settings?.rootDir, proj);
    assert.ok(!JSON.stringify(s.settings).includes(s.token), "no token in the settings");
    return s;
  }

  async function crashBoth(s: Status): Promise<void> {
    process.kill(s.supervisorPid, "SIGKILL");
    process.kill(s.jupyterPid, "SIGKILL");
    await waitFor("supervisor and Jupyter gone", () => !alive(s.supervisorPid) && !alive(s.jupyterPid));
  }

  const cases: { name: string; args: () => string[]; wanted: () => RegExp; extra?: (s: Status) => void }[] = [
    {
      name: "conda",
      args: () => ["--jupyter", join(labVenv, "bin", "jupyter")],
      wanted: () => /jupyterlab-venv\/bin\/jupyter-lab /,
    },
    {
      name: "pipx",
      args: () => ["--jupyter", join((sb as Sandbox).dir, "pipx-bin", "jupyter-lab")],
      wanted: () => /pipx-bin\/jupyter-lab /,
    },
    {
      name: "prologued",
      args: () => [],
      wanted: () => /jupyterlab-venv\/bin\/jupyter-lab /,
      extra: (s) =>
        assert.ok(
          readFileSync(`/proc/${s.jupyterPid}/environ`, "utf8")
            .split("\0")
            .some((e) => e.startsWith("VIRTUAL_ENV=") && e.endsWith("jupyterlab-venv")),
          "the prologue's environment reaches Jupyter",
        ),
    },
  ];

  for (const c of cases) {
    test(`${c.name}: starts, comes back with its settings after both processes are SIGKILLed (start, then jllocal's auto-start)`, {
      timeout: 240_000,
    }, async () => {
      // An explicit port away from 8888+ (other test runs on this machine start Jupyters there); remembered too.
      const first = await runCli(
        ["start", "--name", c.name, ...c.args(), "--root-dir", proj, "--port", String(await freePort()), "--json"],
        remoteEnv,
        { cwd: home },
      );
      assert.equal(first.code, 0, first.stderr);
      const s1 = await assertSettings(c.name, c.wanted());
      c.extra?.(s1);
      if (c.name === "prologued") assert.match(readFileSync(s1.jupyterLogFile as string, "utf8"), /^activated$/m);

      await crashBoth(s1);
      // A plain `start` (other cwd, no options): the remembered settings, the same URL.
      const again = await runCli(["start", "--name", c.name], remoteEnv, { cwd: join(home, "work") });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), s1.url);
      const s2 = await assertSettings(c.name, c.wanted());
      c.extra?.(s2);

      await crashBoth(s2);
      // jllocal over ssh: the remote shell has the bare PATH; jllocal runs `jlremote start --json --name N`.
      const j = await runJllocal(
        ["jlr-test", "--name", c.name, "--no-browser", "--json", "--ssh-config", (sshd as Sshd).sshConfig],
        localEnv,
        180_000,
      );
      assert.equal(j.code, 0, j.stderr);
      assert.match(j.stderr, /started it/);
      const info = JSON.parse(j.stdout) as { url: string };
      assert.equal(await httpStatus(info.url), 200);
      const s3 = await assertSettings(c.name, c.wanted());
      c.extra?.(s3);
      assert.equal(s3.url, s1.url, "the same remote URL (token and port) after both crashes");
      assert.equal((await runCli(["stop", "--name", c.name], remoteEnv)).code, 0);
    });
  }
});
