import assert from "node:assert/strict";
import { test } from "node:test";
import { appPath, chooseApp, jupyterArgs, jupyterEnv, jupyterUrl } from "../../../src/core/jupyter-command.js";

const launch = { jupyter: "/usr/bin/jupyter", app: "server" as const, port: 8888, socket: null, token: "secret-token", asRoot: false, extraArgs: [] };

test("the argv listens on 127.0.0.1 with port retries off and carries no token", () => {
  const args = jupyterArgs(launch);
  assert.deepEqual(args, ["server", "--no-browser", "--ip=127.0.0.1", "--port=8888", "--port-retries=0"]);
  assert.ok(!args.join(" ").includes("secret-token"));
});

test("root adds --allow-root and extra args come last", () => {
  assert.deepEqual(jupyterArgs({ ...launch, asRoot: true, extraArgs: ["--debug"] }).slice(-2), ["--allow-root", "--debug"]);
});

test("a socket replaces ip and port", () => {
  assert.deepEqual(jupyterArgs({ ...launch, socket: "/s/j.sock" }), ["server", "--no-browser", "--sock=/s/j.sock", "--sock-mode=0600"]);
});

test("the token travels in JUPYTER_TOKEN and undefined variables are dropped", () => {
  assert.deepEqual(jupyterEnv({ A: "1", B: undefined, JLREMOTE_INSTANCE: "inherited" }, "t", "abc"), { A: "1", JUPYTER_TOKEN: "t", JLREMOTE_INSTANCE: "abc" });
});

test("the URL path follows the app", () => {
  assert.equal(appPath("lab"), "/lab");
  assert.equal(appPath("notebook"), "/tree");
  assert.equal(jupyterUrl("server", 9000, "abc"), "http://127.0.0.1:9000/?token=abc");
});

test("auto prefers lab, then notebook, then server", () => {
  assert.equal(chooseApp(new Set(["lab", "notebook", "server"])), "lab");
  assert.equal(chooseApp(new Set(["notebook", "server"])), "notebook");
  assert.equal(chooseApp(new Set()), "server");
});
