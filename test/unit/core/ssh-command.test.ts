import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  controlArgs,
  execArgs,
  forwardArgs,
  forwardSpec,
  masterArgs,
  parseMasterPid,
  remoteCommandLine,
  shQuote,
  START_MARKER,
  statusOrStartLine,
  type SshTarget,
} from "../../../src/core/ssh-command.js";
import { launcherVersionLine } from "../../../src/core/remote-lookup.js";
import { alive, killPid, waitFor } from "../../helpers/cli.js";

const t: SshTarget = { host: "me@cluster", controlPath: "/s/cm/abc", sshConfig: null };

test("the master is a background ControlMaster with ControlPersist on our control path", () => {
  const a = masterArgs(t);
  for (const o of [
    "ControlMaster=yes",
    "ControlPersist=yes",
    "ExitOnForwardFailure=yes",
    "ClearAllForwardings=yes",
    "RemoteCommand=none",
    "ControlPath=/s/cm/abc",
  ]) {
    assert.ok(a.includes(o), o);
  }
  assert.deepEqual(a.slice(-5), ["-f", "-N", "-T", "--", "me@cluster"]);
  assert.ok(!a.includes("-F"));
  assert.deepEqual(masterArgs({ ...t, sshConfig: "/cfg" }).slice(0, 2), ["-F", "/cfg"]);
});

test("commands over the master read no ssh config and never open a second connection that could prompt", () => {
  const a = execArgs({ ...t, sshConfig: "/cfg" }, "sh -c x");
  assert.deepEqual(a.slice(0, 4), ["-F", "/dev/null", "-o", "ControlPath=/s/cm/abc"]);
  assert.ok(a.includes("ControlMaster=no") && a.includes("BatchMode=yes") && a.includes("ProxyCommand=false"));
  assert.deepEqual(a.slice(-3), ["--", "me@cluster", "sh -c x"]);
});

test("forward specs bind 127.0.0.1 locally and go to the remote port or unix socket", () => {
  assert.equal(forwardSpec(9000, { port: 8888 }), "127.0.0.1:9000:127.0.0.1:8888");
  assert.equal(forwardSpec(9000, { socket: "/run/user/1/jl.sock" }), "127.0.0.1:9000:/run/user/1/jl.sock");
  assert.deepEqual(forwardArgs(t, "cancel", 9000, { port: 8888 }).slice(-6), [
    "-O",
    "cancel",
    "-L",
    "127.0.0.1:9000:127.0.0.1:8888",
    "--",
    "me@cluster",
  ]);
  assert.deepEqual(controlArgs(t, "exit").slice(-4), ["-O", "exit", "--", "me@cluster"]);
});

test("shQuote leaves plain words alone and single-quotes the rest", () => {
  assert.equal(shQuote("--name"), "--name");
  assert.equal(shQuote("a b"), "'a b'");
  assert.equal(shQuote("it's"), `'it'\\''s'`);
  assert.equal(shQuote("$HOME"), "'$HOME'");
});

test("parseMasterPid reads ssh -O check output", () => {
  assert.equal(parseMasterPid("Master running (pid=4242)\r\n"), 4242);
  assert.equal(parseMasterPid("Control socket connect(/x): No such file or directory"), null);
});

/** Run a remote command line the way a login shell would, with the given PATH and HOME. */
function runAsRemote(line: string, path: string, home: string) {
  return spawnSync("/bin/sh", ["-c", line], { env: { PATH: path, HOME: home }, encoding: "utf8" });
}

test("the default remote command finds jlremote on PATH, then ~/.local/bin/jlremote, else exits 127", () => {
  const d = mkdtempSync(join(tmpdir(), "jll-remote-"));
  try {
    const fake = (dir: string, tag: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "jlremote"), `#!/bin/sh\necho ${tag} "$@"\n`);
      chmodSync(join(dir, "jlremote"), 0o755);
    };
    const line = remoteCommandLine(null, ["status", "--json", "--name", "a b"]);
    const none = runAsRemote(line, "/usr/bin:/bin", d);
    assert.equal(none.status, 127);
    assert.match(none.stderr, /jlremote: command not found/);
    fake(join(d, ".local", "bin"), "launcher");
    assert.equal(runAsRemote(line, "/usr/bin:/bin", d).stdout, "launcher status --json --name a b\n");
    fake(join(d, "onpath"), "path");
    assert.equal(runAsRemote(line, `${join(d, "onpath")}:/usr/bin:/bin`, d).stdout, "path status --json --name a b\n");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("--remote-cmd words are expanded by the remote shell and get the arguments appended", () => {
  const line = remoteCommandLine("echo ~/jl.mjs", ["start", "--json"]);
  const r = runAsRemote(line, "/usr/bin:/bin", "/home/u");
  assert.equal(r.stdout, "/home/u/jl.mjs start --json\n");
  assert.equal(
    runAsRemote(remoteCommandLine("/nonexistent/jlremote", ["status"]), "/usr/bin:/bin", "/home/u").status,
    127,
  );
});

test("statusOrStartLine runs start only when status exits 3, after a marker line, in one remote shell", () => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-sos-"));
  const fake = join(dir, "jlremote");
  // A fake jlremote: status exits with $CODE and prints a JSON line; start prints another.
  writeFileSync(
    fake,
    '#!/bin/sh\nif [ "$1" = status ]; then echo "{\\"state\\":\\"s\\",\\"name\\":\\"$4\\"}"; exit "$CODE"; fi\necho "{\\"state\\":\\"started\\",\\"args\\":\\"$*\\"}"\n',
    { mode: 0o755 },
  );
  try {
    for (const [code, startRuns] of [
      ["3", true],
      ["0", false],
      ["4", false],
    ] as const) {
      const r = spawnSync("sh", ["-c", statusOrStartLine(fake, "n 1", ["--sock"])], {
        encoding: "utf8",
        env: { ...process.env, CODE: code },
      });
      assert.equal(r.stdout.includes(START_MARKER), startRuns, `status exit ${code}`);
      assert.equal(r.stdout.includes('"args":"start --json --name n 1 --sock"'), startRuns, `status exit ${code}`);
      assert.equal(r.status, startRuns ? 0 : Number(code));
    }
    // A jlremote that knows JLREMOTE_OR_START goes on with start itself (status sees the options, start does not).
    writeFileSync(
      fake,
      `#!/bin/sh
if [ "$1" = status ]; then echo "{\\"or\\":$JLREMOTE_OR_START}"; echo ${START_MARKER}; echo started-in-process; exit 0; fi
echo "shell-start env=\${JLREMOTE_OR_START-unset}"
`,
      { mode: 0o755 },
    );
    const r = spawnSync("sh", ["-c", statusOrStartLine(fake, "n 1", ["--sock", "it's"])], {
      encoding: "utf8",
      env: { ...process.env },
    });
    assert.equal(r.stdout, `{"or":["--sock","it's"]}\n${START_MARKER}\nstarted-in-process\n`);
    assert.equal(r.status, 0);
    // An older one exits 3: the shell starts, without the variable.
    writeFileSync(
      fake,
      '#!/bin/sh\nif [ "$1" = status ]; then exit 3; fi\necho "shell-start env=${JLREMOTE_OR_START-unset}"\n',
      { mode: 0o755 },
    );
    assert.equal(
      spawnSync("sh", ["-c", statusOrStartLine(fake, "n", [])], { encoding: "utf8" }).stdout,
      `${START_MARKER}\nshell-start env=unset\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("statusOrStartLine with `here`: a jlremote of jllocal's version runs in the background, the shell exits with the code it writes on fd 3, and it may run on out of the session", async () => {
  const home = mkdtempSync(join(tmpdir(), "jlr-here-"));
  const bin = join(home, ".local", "bin");
  mkdirSync(bin, { recursive: true });
  const own = { version: "9.9.9", probe: false, remoteNode: null };
  // A launcher of that version (its version line) that answers like the remote jlremote: its line on stdout, its exit
  // code on the answer fd, then /dev/null on its stdout and stderr while it goes on (its PID in a file).
  const ahead = (code: number) =>
    `#!/bin/sh\n${launcherVersionLine("9.9.9")}\necho "$* or=$JLREMOTE_OR_START fd=$JLREMOTE_ANSWER_FD"\n` +
    `echo ${code} >&3\nexec 3>&- >/dev/null 2>&1\necho $$ > "$HOME/pid.tmp"; mv "$HOME/pid.tmp" "$HOME/pid"\nexec sleep 30\n`;
  const run = () =>
    spawnSync("sh", ["-c", statusOrStartLine(null, "n 1", ["--sock"], {}, own, true)], {
      encoding: "utf8",
      env: { HOME: home, PATH: "/usr/bin:/bin" },
      // A shell line that waited for the process's end would take its 30 s.
      timeout: 20_000,
    });
  let runOn: number | null = null;
  try {
    writeFileSync(join(bin, "jlremote"), ahead(4), { mode: 0o755 });
    const r = run();
    assert.equal(r.error, undefined, "the line ended while the process ran on");
    assert.equal(r.stdout, 'status --json --name n 1 or=["--sock"] fd=3\n');
    assert.equal(r.status, 4, "the code written on fd 3");
    await waitFor("the process's PID", () => existsSync(join(home, "pid")), 10_000);
    runOn = Number(readFileSync(join(home, "pid"), "utf8"));
    rmSync(join(home, "pid"));
    assert.ok(alive(runOn), "it runs on after the session's end");
    killPid(runOn);
    runOn = null;
    // Another version (no version line): the classic way, status then start in the foreground.
    writeFileSync(
      join(bin, "jlremote"),
      '#!/bin/sh\nif [ "$1" = status ]; then echo "fd=${JLREMOTE_ANSWER_FD-unset}"; exit 3; fi\necho "$*"\n',
      { mode: 0o755 },
    );
    const classic = run();
    assert.equal(classic.stdout, `fd=unset\n${START_MARKER}\nstart --json --name n 1 --sock\n`);
    assert.equal(classic.status, 0);
    // No `here` (a queued start): the classic way even for jllocal's own version.
    writeFileSync(join(bin, "jlremote"), ahead(0), { mode: 0o755 });
    assert.doesNotMatch(statusOrStartLine(null, "n", [], {}, own, false), /JLREMOTE_ANSWER_FD/);
  } finally {
    // Also when an assertion failed before its PID was read: the file names it once the process has detached (it is
    // removed once read, so a PID already killed is never read again).
    const pidFile = join(home, "pid");
    if (runOn === null && existsSync(pidFile)) runOn = Number(readFileSync(pidFile, "utf8"));
    if (runOn !== null) killPid(runOn);
    rmSync(home, { recursive: true, force: true });
  }
});

test("variables for the remote jlremote go first as `env K=V`, whatever the login shell; none: no env word", () => {
  const echoVar = 'sh -c \'echo "$JLREMOTE_CANCEL_ON_EOF" "$@"\' x';
  const line = remoteCommandLine(echoVar, ["start"], { JLREMOTE_CANCEL_ON_EOF: "1" });
  assert.match(line, /^env JLREMOTE_CANCEL_ON_EOF=1 sh -c /);
  assert.equal(runAsRemote(line, "/usr/bin:/bin", "/home/u").stdout, "1 start\n");
  assert.doesNotMatch(remoteCommandLine(null, ["status"]), /^env /);
  assert.match(
    statusOrStartLine(null, "n", ["--scheduler", "slurm"], { JLREMOTE_CANCEL_ON_EOF: "1" }),
    /^env JLREMOTE_CANCEL_ON_EOF=1 sh -c /,
  );
});
