import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configFileText,
  deepMerge,
  jupyterConfig,
  serverClass,
  tokenKeys,
  userConfigNames,
  type JupyterConfigInput,
  type JupyterFlavour,
} from "../../../src/core/jupyter-config.js";
import type { JupyterApp } from "../../../src/core/types.js";

const debian: JupyterFlavour = { serverMajor: 1, notebookMajor: 6 };
const lab4: JupyterFlavour = { serverMajor: 2, notebookMajor: null };
const nb7: JupyterFlavour = { serverMajor: 2, notebookMajor: 7 };
const unknown: JupyterFlavour = { serverMajor: null, notebookMajor: null };

test("the token key follows the flavour: IdentityProvider on jupyter_server 2, ServerApp on 1.x, NotebookApp on notebook < 7", () => {
  const cases: [JupyterApp, JupyterFlavour, string, string[]][] = [
    ["server", debian, "ServerApp", ["ServerApp"]],
    ["notebook", debian, "NotebookApp", ["NotebookApp"]],
    ["lab", debian, "ServerApp", ["ServerApp"]],
    ["lab", lab4, "ServerApp", ["IdentityProvider"]],
    ["server", lab4, "ServerApp", ["IdentityProvider"]],
    ["notebook", nb7, "ServerApp", ["IdentityProvider"]],
    ["notebook", { serverMajor: 2, notebookMajor: 6 }, "NotebookApp", ["NotebookApp"]],
    ["lab", unknown, "ServerApp", ["ServerApp", "IdentityProvider"]],
    ["notebook", unknown, "NotebookApp", ["NotebookApp"]],
  ];
  for (const [app, flavour, cls, keys] of cases) {
    assert.equal(serverClass(app, flavour), cls, `${app} ${JSON.stringify(flavour)}`);
    assert.deepEqual(tokenKeys(app, flavour), keys, `${app} ${JSON.stringify(flavour)}`);
  }
});

const base: JupyterConfigInput = {
  app: "lab",
  flavour: lab4,
  token: "T",
  rootDir: "/work",
  port: 8888,
  socket: null,
  asRoot: false,
};

test("the config holds the token, cookie secret file, root dir, no browser (nor its open page), 127.0.0.1 and port retries off (or the socket)", () => {
  const cases: [Partial<JupyterConfigInput>, Record<string, Record<string, unknown>>][] = [
    [
      {},
      {
        ServerApp: {
          open_browser: false,
          root_dir: "/work",
          ip: "127.0.0.1",
          port: 8888,
          port_retries: 0,
          no_browser_open_file: true,
        },
        IdentityProvider: { token: "T" },
      },
    ],
    [
      { cookieSecretFile: "/s/cookie-secret" },
      {
        ServerApp: {
          open_browser: false,
          root_dir: "/work",
          ip: "127.0.0.1",
          port: 8888,
          port_retries: 0,
          cookie_secret_file: "/s/cookie-secret",
          no_browser_open_file: true,
        },
        IdentityProvider: { token: "T" },
      },
    ],
    [
      { app: "server", flavour: debian, asRoot: true },
      {
        ServerApp: {
          open_browser: false,
          root_dir: "/work",
          ip: "127.0.0.1",
          port: 8888,
          port_retries: 0,
          allow_root: true,
          token: "T",
        },
      },
    ],
    [
      { app: "notebook", flavour: debian, port: null, socket: "/s/j.sock", cookieSecretFile: "/s/c" },
      {
        NotebookApp: {
          open_browser: false,
          notebook_dir: "/work",
          sock: "/s/j.sock",
          sock_mode: "0600",
          cookie_secret_file: "/s/c",
          token: "T",
        },
      },
    ],
  ];
  for (const [change, want] of cases)
    assert.deepEqual(jupyterConfig({ ...base, ...change }), want, JSON.stringify(change));
});

test("extra keys from other features are deep-merged; jlremote's own values stay unless extra replaces them", () => {
  const c = jupyterConfig(base, {
    ServerApp: { jpserver_extensions: { jlremote_adopt: true } },
    KernelManager: { shutdown_wait_time: 1 },
  });
  assert.deepEqual(c.ServerApp?.jpserver_extensions, { jlremote_adopt: true });
  assert.equal(c.ServerApp?.port, 8888);
  assert.deepEqual(c.KernelManager, { shutdown_wait_time: 1 });
  assert.deepEqual(deepMerge({ A: { x: { y: 1, z: 2 } } }, { A: { x: { z: 3 }, w: [1] } }), {
    A: { x: { y: 1, z: 3 }, w: [1] },
  });
});

test("the config file embeds the JSON as one Python string literal and masks the token's repr", () => {
  const config = jupyterConfig({ ...base, rootDir: "/we'ird/\"dir\"/'''/ü\\n" });
  const text = configFileText(config, ["jupyter_server_config", "jupyter_lab_config"]);
  const line = text.split("\n").find((l) => l.startsWith("_settings = _json.loads(")) as string;
  const literal = line.slice("_settings = _json.loads(".length, -1);
  assert.deepEqual(JSON.parse(JSON.parse(literal)), config);
  assert.match(text, /class _Secret\(str\)/);
  assert.ok(
    text.indexOf("_load_config_files") < text.indexOf("_settings = "),
    "the user's files load before jlremote's settings",
  );
  assert.ok(text.includes(JSON.stringify(JSON.stringify(["jupyter_server_config", "jupyter_lab_config"]))));
  assert.match(text, /_Secret\(_value\) if _key == 'token'/);
});

test("the user's own config files are loaded first, as the app would without --config", () => {
  const cases: [JupyterApp, JupyterFlavour, string[]][] = [
    ["server", debian, ["jupyter_server_config"]],
    ["notebook", debian, ["jupyter_notebook_config"]],
    ["lab", lab4, ["jupyter_server_config", "jupyter_lab_config"]],
    ["notebook", nb7, ["jupyter_server_config", "jupyter_notebook_config"]],
  ];
  for (const [app, flavour, want] of cases) assert.deepEqual(userConfigNames(app, flavour), want, app);
});

test("configFileText puts pythonPath first on sys.path (jlremote's extension), and adds nothing without it", () => {
  const config = { ServerApp: { jpserver_extensions: { jlremote_adopt: true } } };
  const plain = configFileText(config, ["jupyter_server_config"]);
  assert.doesNotMatch(plain, /sys\.path/);
  const text = configFileText(config, ["jupyter_server_config"], ["/opt/jl remote/python"]);
  const lines = text.split("\n");
  assert.equal(lines[1], "import json as _json, sys as _sys");
  assert.equal(lines[2], `_sys.path[0:0] = _json.loads(${JSON.stringify(JSON.stringify(["/opt/jl remote/python"]))})`);
  assert.equal(lines.slice(3).join("\n"), plain.split("\n").slice(1).join("\n"));
});
