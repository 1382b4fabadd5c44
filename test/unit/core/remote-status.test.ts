import assert from "node:assert/strict";
import { test } from "node:test";
import { START_MARKER } from "../../../src/core/ssh-command.js";
import {
  finalAnswer,
  forwardTarget,
  isUsable,
  isVerified,
  localUrl,
  movedNotice,
  parseRemoteStatus,
  sameTarget,
} from "../../../src/core/remote-status.js";

const running = {
  schema: 1,
  name: "default",
  state: "running",
  host: "n1",
  elsewhere: false,
  port: 8890,
  socket: null,
  token: "abc",
  app: "notebook",
  reason: null,
};

test("parses the status line even after login-shell noise", () => {
  const s = parseRemoteStatus(`Welcome to the cluster\n{not json\n${JSON.stringify(running)}\n`);
  assert.ok(s);
  assert.equal(s.port, 8890);
  assert.equal(s.token, "abc");
  assert.equal(s.app, "notebook");
  assert.equal(isUsable(s), true);
  assert.deepEqual(forwardTarget(s), { port: 8890 });
});

test("no status object is null; stopped or tokenless instances are not usable", () => {
  assert.equal(parseRemoteStatus("bash: jlremote: command not found\n"), null);
  const stopped = parseRemoteStatus(JSON.stringify({ ...running, state: "stopped", token: null, port: null }));
  assert.ok(stopped);
  assert.equal(isUsable(stopped), false);
  assert.equal(forwardTarget(stopped), null);
  const restarting = parseRemoteStatus(JSON.stringify({ ...running, state: "restarting" }));
  assert.equal(restarting && isUsable(restarting), false);
});

test("a socket in the status wins over the port", () => {
  const s = parseRemoteStatus(JSON.stringify({ ...running, socket: "/run/user/1/jl.sock" }));
  assert.ok(s);
  assert.deepEqual(forwardTarget(s), { socket: "/run/user/1/jl.sock" });
  assert.equal(sameTarget({ socket: "/a" }, { socket: "/a" }), true);
  assert.equal(sameTarget({ socket: "/a" }, { port: 1 }), false);
  assert.equal(sameTarget({ port: 1 }, { port: 2 }), false);
});

test("the local URL takes the app's path and the token", () => {
  assert.equal(localUrl("lab", 9000, "t0k"), "http://127.0.0.1:9000/lab?token=t0k");
  assert.equal(localUrl("notebook", 9000, "t0k"), "http://127.0.0.1:9000/tree?token=t0k");
  assert.equal(localUrl("server", 9000, "t0k"), "http://127.0.0.1:9000/?token=t0k");
  assert.equal(localUrl(null, 9000, "a&b"), "http://127.0.0.1:9000/?token=a%26b");
});

test("the token goes through a tunnel only to a TCP listener the remote verified (a socket is checked by file)", () => {
  const cases: [Record<string, unknown>, boolean][] = [
    [{ listenerVerifiedAt: "2026-12-01T10:00:00.000Z" }, true],
    [{ listenerVerifiedAt: null }, false],
    [{}, false],
    [{ listenerVerifiedAt: "" }, false],
    [{ listenerVerifiedAt: null, socket: "/s/j.sock", port: null }, true],
  ];
  for (const [change, want] of cases) {
    const s = parseRemoteStatus(JSON.stringify({ ...running, ...change }));
    assert.ok(s);
    assert.equal(isVerified(s), want, JSON.stringify(change));
  }
});

test("the local URL keeps the remote base_url", () => {
  const s = parseRemoteStatus(JSON.stringify({ ...running, app: "lab", baseUrl: "/jl/" }));
  assert.ok(s);
  assert.equal(s.baseUrl, "/jl/");
  assert.equal(localUrl(s.app, 9000, "t", s.baseUrl), "http://127.0.0.1:9000/jl/lab?token=t");
  assert.equal(parseRemoteStatus(JSON.stringify(running))?.baseUrl, "/");
  assert.equal(parseRemoteStatus(JSON.stringify({ ...running, baseUrl: "http://evil/" }))?.baseUrl, "/");
});

test("jllocal says when the instance it forwarded to moved or got a new token, and why", () => {
  const prev = { target: { port: 8888 }, token: "a" };
  const st = (token: string, credentialsReason: string | null = null) => ({ name: "x", token, credentialsReason });
  assert.equal(movedNotice(null, st("a"), { port: 8888 }, "h"), null);
  assert.equal(movedNotice(prev, st("a"), { port: 8888 }, "h"), null);
  assert.equal(
    movedNotice(
      prev,
      st("b", "port 8888 was taken by another process (uid 65534, pid 7); moved to 8889"),
      { port: 8889 },
      "h",
    ),
    "'x' on h now listens on port 8889 with a new token (port 8888 was taken by another process (uid 65534, pid 7); moved to 8889); the tunnel was re-pointed: use the new URL (old tabs must reload it)",
  );
  assert.match(movedNotice(prev, st("a"), { socket: "/s" }, "h") ?? "", /now listens on its unix socket; the tunnel/);
});

test("finalAnswer: only a complete line of a running instance here ends the wait for ssh (after the start marker)", () => {
  const line = (o: object) => `${JSON.stringify(o)}\n`;
  const stopped = line({ ...running, state: "stopped", token: null, port: null });
  const table: [string, string, boolean][] = [
    ["a running status", line(running), true],
    ["the same line not complete yet", line(running).slice(0, -1), false],
    ["half of it", line(running).slice(0, 40), false],
    ["nothing yet", "", false],
    ["a stopped status (start follows)", stopped, false],
    ["the marker, start's line not there yet", `${stopped}${START_MARKER}\n`, false],
    ["start's line half there", `${stopped}${START_MARKER}\n${line(running).slice(0, 30)}`, false],
    ["start's running status", `${stopped}${START_MARKER}\n${line(running)}`, true],
    ["start's failed status", `${stopped}${START_MARKER}\n${line({ ...running, state: "failed" })}`, false],
    ["running on another login node", line({ ...running, elsewhere: true }), false],
    ["unsupervised (its exit code decides)", line({ ...running, state: "unsupervised" }), false],
    ["no token", line({ ...running, token: null }), false],
    ["the marker's text inside a status line is no marker", line({ ...running, rootDir: `/x/${START_MARKER}` }), true],
    ["login noise, then a running status", `Welcome\n${line(running)}`, true],
  ];
  for (const [what, stdout, want] of table) assert.equal(finalAnswer(stdout), want, what);
});
