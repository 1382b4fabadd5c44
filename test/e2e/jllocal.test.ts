// jllocal end to end: a real sshd on 127.0.0.1, this machine as the "remote" with the built jlremote and each Jupyter
// of the flavour matrix (chosen by the remote's config file), and a real browser on JupyterLab through the tunnel.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SUPERVISOR_NODE_FLAGS } from "../../src/io/supervisor-argv.js";
import { flavours } from "../helpers/flavours.js";
import { runNotebookInBrowser } from "../helpers/browser.js";
import {
  E2E_TIMEOUT_MS,
  alive,
  CLI,
  freePort,
  httpStatus,
  killGroup,
  killTree,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import {
  localMasters,
  processesMentioning,
  runJllocal,
  startJllocalWorld,
  type JllocalWorld,
} from "../helpers/jllocal.js";
import type { Sshd } from "../helpers/sshd.js";

/** Every line of stderr is a message, none a stack frame. */
function assertOneClearLine(stderr: string, re: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0] as string, re);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

test("bad input is one usage line with exit 2 and touches no ssh", { timeout: E2E_TIMEOUT_MS }, async () => {
  const sb = sandbox();
  try {
    const cases: [string[], RegExp][] = [
      [["--no-browser"], /^jllocal: no HOST given and no defaultHost in the config; run `jllocal HOST`/],
      [["h", "--local-port", "99999"], /^jllocal: --local-port 99999: expected a port number from 1 to 65535$/],
      [["h", "--name", "../x"], /^jllocal: invalid --name '\.\.\/x'/],
      [["h", "--bogus"], /^jllocal: Unknown argument: bogus/],
    ];
    for (const [argv, re] of cases) {
      const r = await runJllocal(argv, sb.env);
      assert.equal(r.code, 2, argv.join(" "));
      assertOneClearLine(r.stderr, re);
    }
  } finally {
    await sb.cleanup();
  }
});

for (const f of flavours) {
  describe(`jllocal over a real sshd on loopback, remote ${f.id}`, {
    skip:
      f.skip ||
      (existsSync("/usr/sbin/sshd")
        ? false
        : "no /usr/sbin/sshd (apt-get install openssh-server; make test installs it as root)"),
  }, () => {
    let sb: Sandbox | undefined;
    let sshd: Sshd | undefined;
    let env: Record<string, string> = {};
    let remoteState = "";
    let remoteHome = "";
    let localRoot = "";
    const args = (...rest: string[]) => [...rest, "--ssh-config", (sshd as Sshd).sshConfig];

    let world: JllocalWorld | undefined;
    before(
      async () => {
        // The "remote" account: its own HOME (with the launcher `jlremote install` would write) and state dirs. Its
        // defaults file picks this flavour's Jupyter for the instances the tests start (not for 'broken'), and a port
        // away from 8888+, where other test runs on this machine put Jupyters and port squatters.
        world = await startJllocalWorld({
          instances: {
            default: { jupyter: f.jupyter, port: await freePort() },
            socky: { jupyter: f.jupyter },
            nojup: { jupyter: "/nonexistent/jupyter" },
          },
          profiles: { sockp: { jupyter: f.jupyter, sock: true } },
        });
        ({ sb, sshd, remoteState, env, localRoot } = world);
        remoteHome = world.home;
      },
      { timeout: E2E_TIMEOUT_MS },
    );

    after(
      async () => {
        await world?.end();
      },
      { timeout: E2E_TIMEOUT_MS },
    );

    test("fails with one clear line for an unreachable host, a wrong key, a missing jlremote, and leaves no ssh behind", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const closed = await runJllocal(args((sshd as Sshd).closedAlias, "--no-browser"), env);
      assert.equal(closed.code, 1);
      assertOneClearLine(closed.stderr, /^jllocal: cannot connect to jlr-closed: .*Connection refused/);

      const wrong = await runJllocal(args((sshd as Sshd).wrongKeyAlias, "--no-browser"), env);
      assert.equal(wrong.code, 1);
      assertOneClearLine(wrong.stderr, /^jllocal: cannot connect to jlr-wrongkey: .*Permission denied.*check your key/);

      const launcher = join(remoteHome, ".local", "bin", "jlremote");
      renameSync(launcher, `${launcher}.away`);
      let absent;
      try {
        // Without --no-install jllocal would install itself there (test/e2e/self-deploy.test.ts).
        absent = await runJllocal(args("jlr-test", "--no-browser", "--no-install"), env);
      } finally {
        renameSync(`${launcher}.away`, launcher);
      }
      assert.equal(absent.code, 1);
      assertOneClearLine(
        absent.stderr,
        /^jllocal: jlremote not found on jlr-test \(no installed [^ ]+, not on PATH, no ~\/\.local\/bin\/jlremote\); run jllocal without --no-install to install it there, or pass --remote-cmd$/,
      );

      const missing = await runJllocal(args("jlr-test", "--no-browser", "--remote-cmd", "/nonexistent/jlremote"), env);
      assert.equal(missing.code, 1);
      assertOneClearLine(
        missing.stderr,
        /^jllocal: --remote-cmd '\/nonexistent\/jlremote' not found on jlr-test .*run `jlremote install`/,
      );

      const idle = await runJllocal(args("jlr-test", "--no-browser", "--no-start", "--name", "idle"), env);
      assert.equal(idle.code, 3);
      assertOneClearLine(
        idle.stderr,
        /^jllocal: instance 'idle' is stopped on jlr-test; run jllocal without --no-start/,
      );

      const broken = await runJllocal(
        args(
          "jlr-test",
          "--no-browser",
          "--name",
          "broken",
          "--remote-cmd",
          `env PATH=/nonexistent ${process.execPath} ${CLI}`,
        ),
        env,
      );
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, /^jllocal: `jlremote start` failed on jlr-test: no 'jupyter' found on PATH/m);

      // A start that fails in the remote status process (the cold path in the background): its one line, and its
      // code (a usage error in the remote config: 2).
      const nojup = await runJllocal(args("jlr-test", "--no-browser", "--name", "nojup"), env);
      assert.equal(nojup.code, 2, nojup.stderr);
      assertOneClearLine(
        nojup.stderr,
        /^jllocal: `jlremote start` failed on jlr-test: --jupyter \/nonexistent\/jupyter: not an executable file/,
      );

      const busy = await runJllocal(args("jlr-test", "--no-browser", "--local-port", String((sshd as Sshd).port)), env);
      assert.equal(busy.code, 2);
      assert.match(
        busy.stderr,
        new RegExp(
          `^jllocal: cannot forward local port ${(sshd as Sshd).port} \\(.*\\); choose another --local-port`,
          "m",
        ),
      );

      assert.deepEqual(localMasters(localRoot, (sshd as Sshd).sshConfig), [], "a failed run leaves no ssh master");
    });

    test("one ssh login gives a working URL; a second run reuses it; it survives a Jupyter restart; kill closes it", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const s = sshd as Sshd;
      const loginsBefore = s.logins();
      const first = await runJllocal(args("jlr-test", "--no-browser", "--json"), env);
      assert.equal(first.code, 0, first.stderr);
      const info = JSON.parse(first.stdout.trim()) as {
        url: string;
        localPort: number;
        masterPid: number;
        reused: boolean;
      };
      assert.match(
        info.url,
        f.app === "lab"
          ? /^http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]{16,}$/
          : /^http:\/\/127\.0\.0\.1:\d+\/tree\?token=[0-9a-f]{16,}$/,
      );
      assert.equal(await httpStatus(info.url), 200);
      assert.equal(s.logins() - loginsBefore, 1, "one authentication for the whole command");
      // A cold start: the remote status that found the instance stopped runs its supervisor itself (no second node),
      // and ssh's session for it ended (no ssh client or remote shell of that command line is left).
      const stateFile = join(remoteState, "jlremote", "default", "state.json");
      const supervisorPid = (JSON.parse(readFileSync(stateFile, "utf8")) as { supervisor: { pid: number } }).supervisor
        .pid;
      const cmdline = readFileSync(`/proc/${supervisorPid}/cmdline`, "utf8").split("\0");
      assert.deepEqual(cmdline.slice(-5), ["status", "--json", "--name", "default", ""]);
      // A supervisor's node flags (the launcher's line for the cold path): its RSS stays put (figure 9).
      assert.deepEqual(cmdline.slice(1, 1 + SUPERVISOR_NODE_FLAGS.length), [...SUPERVISOR_NODE_FLAGS]);
      await waitFor(
        "the cold path's ssh command to end",
        () => processesMentioning("JLREMOTE_OR_START").length === 0,
        10_000,
      );
      const token = new URL(info.url).searchParams.get("token") as string;
      assert.ok(!readFileSync(`/proc/${info.masterPid}/cmdline`, "utf8").includes(token), "token not in ssh's argv");
      const masters = localMasters(localRoot, s.sshConfig);
      assert.deepEqual(masters, [info.masterPid]);
      assert.equal(statSync(localRoot).mode & 0o777, 0o700);

      const second = await runJllocal(args("jlr-test", "--no-browser"), env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout.trim(), info.url);
      assert.equal(s.logins() - loginsBefore, 1, "the second run reuses the connection");

      const oldPid = (JSON.parse(readFileSync(stateFile, "utf8")) as { jupyter: { pid: number } }).jupyter.pid;
      process.kill(oldPid, "SIGKILL");
      await waitFor(
        "Jupyter restarted by its supervisor",
        () => {
          const st = JSON.parse(readFileSync(stateFile, "utf8")) as { state: string; jupyter: { pid: number } | null };
          return st.state === "running" && st.jupyter !== null && st.jupyter.pid !== oldPid;
        },
        60_000,
      );
      await waitFor("the same local URL to answer again", async () => (await httpStatus(info.url)) === 200, 60_000);

      // The laptop slept and the master died: the next run logs in once more and keeps the same local URL.
      process.kill(info.masterPid, "SIGKILL");
      await waitFor("the master to die", () => !alive(info.masterPid), 5000);
      const down = JSON.parse((await runJllocal(["status", "--json"], env)).stdout) as {
        healthy: boolean;
        masterAlive: boolean;
      }[];
      assert.deepEqual(
        down.map((r) => [r.masterAlive, r.healthy]),
        [[false, false]],
      );
      const third = await runJllocal(args("jlr-test", "--no-browser", "--json"), env);
      assert.equal(third.code, 0, third.stderr);
      const info3 = JSON.parse(third.stdout.trim()) as { url: string; masterPid: number };
      assert.equal(info3.url, info.url);
      assert.notEqual(info3.masterPid, info.masterPid);
      assert.equal(s.logins() - loginsBefore, 2);
      info.masterPid = info3.masterPid;

      const status = await runJllocal(["status", "--json"], env);
      assert.equal(status.code, 0);
      const rows = JSON.parse(status.stdout) as { host: string; name: string; url: string; healthy: boolean }[];
      assert.deepEqual(
        rows.map((r) => [r.host, r.name, r.url, r.healthy]),
        [["jlr-test", "default", info.url, true]],
      );

      const kill = await runJllocal(["kill", "jlr-test"], env);
      assert.equal(kill.code, 0, kill.stderr);
      assert.match(kill.stdout, /closed jlr-test/);
      assert.equal(alive(info.masterPid), false, "the ssh master is gone");
      assert.equal(await httpStatus(info.url), 0, "the local port is closed");
      assert.deepEqual(localMasters(localRoot, s.sshConfig), []);
      assert.deepEqual(processesMentioning(localRoot), [], "no ssh process of ours is left");
      const again = await runJllocal(["kill", "jlr-test"], env);
      assert.equal(again.code, 0);
      assert.match(again.stderr, /no tunnel to kill/);
    });

    test("a user ssh config with LocalForward on a busy port, RemoteCommand and RequestTTY for the host does not get in the way", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const s = sshd as Sshd;
      const r = await runJllocal(args(s.clutteredAlias, "--no-browser"), env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await httpStatus(r.stdout.trim()), 200);
      const kill = await runJllocal(["kill", s.clutteredAlias], env);
      assert.equal(kill.code, 0, kill.stderr);
      assert.deepEqual(localMasters(localRoot, s.sshConfig), []);
    });

    test("two jllocal runs at once for one host share one login and one master", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const s = sshd as Sshd;
      const before = s.logins();
      const [a, b] = await Promise.all([
        runJllocal(args("jlr-test", "--no-browser", "--json"), env),
        runJllocal(args("jlr-test", "--no-browser", "--json"), env),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const [ia, ib] = [
        JSON.parse(a.stdout) as { url: string; masterPid: number },
        JSON.parse(b.stdout) as { url: string; masterPid: number },
      ];
      assert.equal(ia.url, ib.url);
      assert.equal(ia.masterPid, ib.masterPid);
      assert.equal(s.logins() - before, 1);
    });

    test("opens the browser with the opener on PATH on a private redirect page, and only warns without an opener", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const _s = sshd as Sshd;
      const bin = join((sb as Sandbox).dir, "fakebin");
      mkdirSync(bin);
      const record = join((sb as Sandbox).dir, "opened.txt");
      writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${record}'\n`);
      chmodSync(join(bin, "xdg-open"), 0o755);
      const r = await runJllocal(args("jlr-test"), { ...env, PATH: `${bin}:${env.PATH}` });
      assert.equal(r.code, 0, r.stderr);
      const url = r.stdout.trim();
      const opened = readFileSync(record, "utf8").trim().split("\n");
      assert.equal(opened.length, 1);
      const page = opened[0] as string;
      assert.ok(
        !page.includes(new URL(url).searchParams.get("token") as string),
        "the token is not in the opener's argv",
      );
      assert.ok(readFileSync(page, "utf8").includes(`url=${url}"`), "the page redirects to the URL");
      assert.equal(statSync(page).mode & 0o777, 0o600);

      const onlySsh = join((sb as Sandbox).dir, "only-ssh");
      mkdirSync(onlySsh);
      symlinkSync("/usr/bin/ssh", join(onlySsh, "ssh"));
      const none = await runJllocal(args("jlr-test"), { ...env, PATH: onlySsh });
      assert.equal(none.code, 0, none.stderr);
      assert.equal(none.stdout.trim(), url);
      assert.match(none.stderr, /warning: could not open a browser \(xdg-open: not found\)/);
    });

    test("with defaultHost from local.json, --sock starts the remote on a unix socket and the tunnel forwards to it", {
      timeout: E2E_TIMEOUT_MS,
    }, async (t) => {
      const cfgDir = join(env.XDG_CONFIG_HOME as string, "jlremote");
      mkdirSync(cfgDir, { recursive: true });
      writeFileSync(
        join(cfgDir, "local.json"),
        JSON.stringify({ defaultHost: "jlr-test", sshConfig: (sshd as Sshd).sshConfig }),
      );
      t.after(() => rmSync(join(cfgDir, "local.json")));
      const wanted = await freePort();
      const r = await runJllocal(
        ["--no-browser", "--json", "--sock", "--name", "socky", "--local-port", String(wanted)],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout.trim()) as {
        url: string;
        localPort: number;
        target: { socket?: string; port?: number };
      };
      assert.equal(info.localPort, wanted);
      assert.equal(info.target.socket, join(remoteState, "jlremote", "socky", "jupyter.sock"));
      assert.equal(info.target.port, undefined);
      assert.equal(await httpStatus(info.url), 200);
      assert.equal(
        await httpStatus(info.url.replace(/token=.*/, "token=wrong")),
        302,
        "the tunnel reaches Jupyter's own auth",
      );

      // Warm, to a socket: the tunnel and the recorded token are checked locally, nothing runs on the remote (a
      // --remote-cmd that does not exist is never called).
      const warmArgs = ["--no-browser", "--json", "--name", "socky", "--remote-cmd", "/nonexistent/jlremote"];
      const warm = await runJllocal(warmArgs, env);
      assert.equal(warm.code, 0, warm.stderr);
      const again = JSON.parse(warm.stdout.trim()) as { url: string; reused: boolean };
      assert.deepEqual([again.url, again.reused], [info.url, true]);

      // Stopped on the remote: the warm check fails, the full path runs (here: the missing --remote-cmd, one line),
      // then a plain run starts it again with a new token behind the same local port.
      const stop = spawnSync(
        "ssh",
        ["-F", (sshd as Sshd).sshConfig, "jlr-test", "~/.local/bin/jlremote stop --name socky"],
        {
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      assert.equal(stop.status, 0, stop.stderr);
      const gone = await runJllocal(warmArgs, env);
      assert.equal(gone.code, 1, gone.stdout);
      assert.match(gone.stderr, /^jllocal: --remote-cmd '\/nonexistent\/jlremote' not found on jlr-test/);
      const fresh = await runJllocal(["--no-browser", "--json", "--name", "socky"], env);
      assert.equal(fresh.code, 0, fresh.stderr);
      const info2 = JSON.parse(fresh.stdout.trim()) as { url: string; localPort: number };
      assert.equal(info2.localPort, wanted);
      assert.notEqual(info2.url, info.url, "a new token");
      assert.equal(await httpStatus(info2.url), 200);
    });

    test("--profile: the remote start takes the profile of the remote config.json, and remembers it", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const r = await runJllocal(
        args("jlr-test", "--no-browser", "--json", "--name", "prof", "--profile", "sockp"),
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout.trim()) as { url: string; target: { socket?: string } };
      assert.equal(
        info.target.socket,
        join(remoteState, "jlremote", "prof", "jupyter.sock"),
        "the profile's sock: true",
      );
      assert.equal(await httpStatus(info.url), 200);
      const remembered = JSON.parse(readFileSync(join(remoteState, "jlremote", "prof", "settings.json"), "utf8")) as {
        settings: Record<string, unknown>;
      };
      assert.equal(remembered.settings.sock, true);
      const bad = await runJllocal(args("jlr-test", "--no-browser", "--name", "prof2", "--profile", "nope"), env);
      assert.equal(bad.code, 2, bad.stderr);
      assertOneClearLine(
        bad.stderr,
        /^jllocal: `jlremote start` failed on jlr-test: --profile nope: no such profile in .*config\.json; known: sockp$/,
      );
    });

    // Notebook 6's file browser renders without scripts; JupyterLab gets the Playwright test below.
    if (f.app !== "lab")
      test("headless Chromium on the printed URL shows the notebook file browser", {
        timeout: E2E_TIMEOUT_MS,
        skip: existsSync("/usr/bin/chromium")
          ? false
          : "no /usr/bin/chromium (apt-get install chromium; make test installs it as root)",
      }, async (t) => {
        const r = await runJllocal(args("jlr-test", "--no-browser"), env);
        assert.equal(r.code, 0, r.stderr);
        const profile = mkdtempSync(join((sb as Sandbox).dir, "chromium-"));
        const child = spawn(
          "/usr/bin/chromium",
          [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            `--user-data-dir=${profile}`,
            "--virtual-time-budget=5000",
            "--dump-dom",
            r.stdout.trim(),
          ],
          // Its own process group: the cleanup reaches the renderer and zygote processes too, not only the main PID.
          { env: { ...env, HOME: profile }, stdio: ["ignore", "pipe", "ignore"], detached: true },
        );
        const killChromium = () => {
          killTree(child.pid);
          killGroup(child.pid);
        };
        t.after(killChromium);
        let dom = "";
        child.stdout.on("data", (d) => {
          dom += d;
        });
        const code = await new Promise<number | null>((res) => {
          const timer = setTimeout(killChromium, 45_000);
          child.on("close", (c) => {
            clearTimeout(timer);
            res(c);
          });
        });
        assert.equal(code, 0);
        assert.match(dom, /<title>Home Page - Select or create a notebook<\/title>/);
        assert.doesNotMatch(dom, /id="login_submit"|type="password"/);
      });

    if (f.app === "lab")
      test("Chromium (Playwright) on jllocal's URL shows the JupyterLab launcher, opens a notebook and computes 1+1 = 2 through the tunnel", {
        skip: existsSync("/usr/bin/chromium")
          ? false
          : "no /usr/bin/chromium (apt-get install chromium; make test installs it as root)",
        timeout: 240_000,
      }, async () => {
        const r = await runJllocal(args("jlr-test", "--no-browser"), env);
        assert.equal(r.code, 0, r.stderr);
        const shot = await runNotebookInBrowser(
          r.stdout.trim(),
          (sb as Sandbox).dir,
          "jupyterlab-1plus1-through-jllocal.png",
        );
        assert.equal(shot.launcherSeen, true, "the launcher (not the login page) was shown");
        assert.equal(shot.output, "2");
        console.log(`# screenshot: ${shot.screenshot}`);
      });

    test("kill --all cancels every forward and ends the master; nothing of ours is left", {
      timeout: E2E_TIMEOUT_MS,
    }, async () => {
      const s = sshd as Sshd;
      const before = localMasters(localRoot, s.sshConfig);
      assert.equal(before.length, 1, "the earlier tests left one master up");
      const r = await runJllocal(["kill", "--all"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^closed jlr-test \(default on port \d+, prof on port \d+, socky on port \d+\)$/m);
      assert.equal(alive(before[0] as number), false);
      assert.deepEqual(localMasters(localRoot, s.sshConfig), []);
      assert.deepEqual(JSON.parse((await runJllocal(["status", "--json"], env)).stdout), []);
    });
  });
}
