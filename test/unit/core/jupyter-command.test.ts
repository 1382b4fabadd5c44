import assert from "node:assert/strict";
import { test } from "node:test";
import { appPath, chooseApp, jupyterArgs, jupyterEnv, jupyterUrl } from "../../../src/core/jupyter-command.js";

test("the argv is the app, the config file and the extra args: no token, no settings jlremote owns", () => {
  assert.deepEqual(jupyterArgs({ app: "server", configFile: "/s/jupyter-config.py", extraArgs: [] }), [
    "server",
    "--config=/s/jupyter-config.py",
  ]);
  assert.deepEqual(jupyterArgs({ app: "lab", configFile: "/c.py", extraArgs: ["--debug"] }), [
    "lab",
    "--config=/c.py",
    "--debug",
  ]);
});

test("no token variable reaches Jupyter (an inherited one is dropped) and undefined variables are dropped", () => {
  const cases: [Record<string, string | undefined>, Record<string, string>][] = [
    [{ A: "1", B: undefined }, { A: "1" }],
    [{ A: "1", JUPYTER_TOKEN: "inherited" }, { A: "1" }],
    [{ JUPYTER_TOKEN_FILE: "/f", PATH: "/bin" }, { PATH: "/bin" }],
  ];
  for (const [input, want] of cases) assert.deepEqual(jupyterEnv(input, "abc"), { ...want, JLREMOTE_INSTANCE: "abc" });
});

test("the instance marker replaces an inherited one", () => {
  assert.deepEqual(jupyterEnv({ A: "1", JLREMOTE_INSTANCE: "inherited" }, "abc"), { A: "1", JLREMOTE_INSTANCE: "abc" });
});

test("the URL path follows the app and Jupyter's base_url", () => {
  const cases: [Parameters<typeof appPath>, string][] = [
    [["lab"], "/lab"],
    [["notebook"], "/tree"],
    [["server"], "/"],
    [["lab", "/jl/"], "/jl/lab"],
    [["server", "/jl/"], "/jl/"],
    [["notebook", "/a/b"], "/a/b/tree"],
  ];
  for (const [args, want] of cases) assert.equal(appPath(...args), want, String(args));
  assert.equal(jupyterUrl("server", 9000, "abc"), "http://127.0.0.1:9000/?token=abc");
  assert.equal(jupyterUrl("lab", 9000, "abc", "127.0.0.1", "/x/"), "http://127.0.0.1:9000/x/lab?token=abc");
});

test("auto prefers lab, then notebook, then server", () => {
  assert.equal(chooseApp(new Set(["lab", "notebook", "server"])), "lab");
  assert.equal(chooseApp(new Set(["notebook", "server"])), "notebook");
  assert.equal(chooseApp(new Set()), "server");
});
