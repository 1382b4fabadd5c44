import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configFile,
  controlPathFor,
  hostKey,
  localPaths,
  MAX_CONTROL_PATH,
  tunnelFileFor,
} from "../../../src/local/paths.js";

test("jllocal's files live under XDG_STATE_HOME/jlremote/local, sockets in its cm dir", () => {
  const p = localPaths({ XDG_STATE_HOME: "/st", HOME: "/h" }, 1000);
  assert.equal(p.root, "/st/jlremote/local");
  assert.equal(p.tunnelsDir, "/st/jlremote/local/tunnels");
  assert.equal(controlPathFor(p, "me@cluster"), `/st/jlremote/local/cm/${hostKey("me@cluster")}`);
  assert.equal(
    tunnelFileFor(p, "me@cluster", "default"),
    `/st/jlremote/local/tunnels/${hostKey("me@cluster")}-default.json`,
  );
  assert.equal(localPaths({ HOME: "/h" }, 1000).root, "/h/.local/state/jlremote/local");
});

test("host keys are short, stable and distinct", () => {
  assert.match(hostKey("a"), /^[0-9a-f]{12}$/);
  assert.equal(hostKey("a"), hostKey("a"));
  assert.notEqual(hostKey("a"), hostKey("b"));
});

test("a state dir too long for a unix socket moves the control dir to /tmp/jllocal-UID", () => {
  const deep = `/${"x".repeat(80)}`;
  const p = localPaths({ XDG_STATE_HOME: deep }, 1000);
  assert.equal(p.controlDir, "/tmp/jllocal-1000");
  assert.ok(controlPathFor(p, "host").length <= MAX_CONTROL_PATH);
  assert.equal(p.root, `${deep}/jlremote/local`);
});

test("the config file is XDG_CONFIG_HOME/jlremote/local.json", () => {
  assert.equal(configFile({ XDG_CONFIG_HOME: "/c", HOME: "/h" }), "/c/jlremote/local.json");
  assert.equal(configFile({ HOME: "/h" }), "/h/.config/jlremote/local.json");
});
