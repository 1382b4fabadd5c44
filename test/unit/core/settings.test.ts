import assert from "node:assert/strict";
import { test } from "node:test";
import { JlremoteError } from "../../../src/core/errors.js";
import { finalizeSettings } from "../../../src/core/instance-options.js";
import { parseRememberedSettings, parseRemoteConfig } from "../../../src/core/remote-config.js";
import {
  defaultSettings,
  expandEnv,
  expandTilde,
  layerSettings,
  mergeRemembered,
  parseCliSettings,
} from "../../../src/core/settings.js";

/** The registered scheduler names (src/backends/registry.ts), as core's validators are given them. */
const known = ["slurm", "sge"];

const usage = (re: RegExp) => (e: unknown) =>
  e instanceof JlremoteError && e.exitCode === 2 && re.test(e.message) && !e.message.includes("\n");

test("layers: command line over remembered over the instance section over config defaults over built-in defaults", () => {
  const { values, from } = layerSettings([
    { source: "default", where: null, values: defaultSettings },
    {
      source: "config file",
      where: "c (defaults)",
      values: { jupyter: "/c/jupyter", rootDir: "/c", env: { A: "1", B: "1" } },
    },
    { source: "config file", where: "c (instances.x)", values: { rootDir: "/x", env: { B: "2" } } },
    { source: "remembered", where: "d", values: { jupyter: "/r/python", port: 9000 } },
    { source: "command line", where: null, values: { port: 9100 } },
  ]);
  assert.equal(values.jupyter, "/r/python");
  assert.equal(from.jupyter?.source, "remembered");
  assert.equal(values.rootDir, "/x");
  assert.equal(from.rootDir?.where, "c (instances.x)");
  assert.equal(values.port, 9100);
  assert.equal(from.port?.source, "command line");
  assert.deepEqual(values.env, { A: "1", B: "2" });
  assert.equal(values.app, "auto");
  assert.equal(from.app?.source, "default");
});

test("command-line values are validated with messages naming the flag; absent ones stay absent", () => {
  assert.deepEqual(parseCliSettings({ port: "9000", sock: undefined, extraArgs: [] }), { port: 9000 });
  assert.deepEqual(parseCliSettings({ timeout: "2.5", maxRestarts: "0", app: "lab" }), {
    timeout: 2.5,
    maxRestarts: 0,
    app: "lab",
  });
  assert.throws(() => parseCliSettings({ port: "abc" }), usage(/^--port abc: expected a port number from 1 to 65535$/));
  assert.throws(() => parseCliSettings({ maxRestarts: "1.5" }), usage(/^--max-restarts 1\.5: expected a whole number/));
  assert.throws(
    () => parseCliSettings({ healthInterval: "0.0001" }),
    usage(/^--health-interval 0\.0001: expected at least 0\.001 seconds/),
  );
  assert.throws(() => finalizeSettings("x", { sock: true, port: 9000 }), usage(/--sock and --port exclude each other/));
});

test("the config file: errors name the file, the key and the bad value", () => {
  const f = "/h/.config/jlremote/config.json";
  const cases: [string, RegExp][] = [
    ["{", /^\/h\/\.config\/jlremote\/config\.json: not valid JSON/],
    ["[]", /config\.json: expected a JSON object/],
    ['{"default": {}}', /config\.json: default: unknown key; known: defaults, instances, profiles/],
    ['{"defaults": {"port": "abc"}}', /config\.json: defaults\.port: "abc": expected a port number/],
    ['{"defaults": {"jupiter": "/x"}}', /config\.json: defaults\.jupiter: unknown setting/],
    ['{"instances": {"gpu": {"sock": "yes"}}}', /config\.json: instances\.gpu\.sock: "yes": expected true or false/],
    [
      '{"instances": {"gpu": {"env": {"PATH": 1}}}}',
      /instances\.gpu\.env: \{"PATH":1\}: expected NAME: "string" entries/,
    ],
    ['{"instances": {"gpu": {"env": {"JUPYTER_TOKEN": "x"}}}}', /JUPYTER_TOKEN is jlremote's to set/],
    ['{"instances": {"../x": {}}}', /instances\.\.\.\/x: not a valid instance name/],
    [
      '{"instances": {"gpu": {"extraArgs": "--debug"}}}',
      /instances\.gpu\.extraArgs: "--debug": expected an array of strings/,
    ],
    ['{"profiles": {"big": 3}}', /profiles\.big: 3: expected an object/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseRemoteConfig(text, f, known), usage(re), text);
});

test("a valid config file: defaults, instance sections and profiles", () => {
  const c = parseRemoteConfig(
    JSON.stringify({
      defaults: { jupyter: "~/env/bin/python", env: { PATH: "~/bin:$PATH" }, prologue: "module load x" },
      instances: { gpu: { rootDir: "~/proj", sock: true, port: 9000, extraArgs: ["--debug"], timeout: "120" } },
      profiles: { big: { sbatch: "--mem=64G", scheduler: "slurm", rootDir: "~/big" } },
    }),
    "f",
    known,
  );
  assert.equal(c.defaults.jupyter, "~/env/bin/python");
  assert.deepEqual(c.instances.gpu, {
    rootDir: "~/proj",
    sock: true,
    port: 9000,
    extraArgs: ["--debug"],
    timeout: 120,
  });
  assert.deepEqual(c.profiles.big, { settings: { rootDir: "~/big" }, sbatch: "--mem=64G", scheduler: "slurm" });
});

test("remembered settings are validated like command-line options and hold no env or prologue", () => {
  assert.deepEqual(parseRememberedSettings('{"schema":1,"settings":{"jupyter":"/j","port":9000}}', "s.json"), {
    jupyter: "/j",
    port: 9000,
  });
  assert.throws(
    () => parseRememberedSettings('{"schema":1,"settings":{"port":0}}', "s.json"),
    usage(/^s\.json: settings\.port: 0: expected a port number/),
  );
  assert.throws(
    () => parseRememberedSettings('{"schema":1,"settings":{"prologue":"x"}}', "s.json"),
    usage(/settings\.prologue: unknown setting/),
  );
  assert.throws(() => parseRememberedSettings("garbage", "s.json"), usage(/s\.json is damaged.*--reset/));
});

test("env additions expand $VAR, ${VAR} and ~, in order", () => {
  const out = expandEnv(
    { PATH: "~/env/bin:${PATH}:~", CONDA: "$HOME/c", LIB: "$CONDA/lib:$NOPE" },
    { PATH: "/usr/bin:/bin", HOME: "/h" },
    "/h",
  );
  assert.deepEqual(out, { PATH: "/h/env/bin:/usr/bin:/bin:/h", CONDA: "/h/c", LIB: "/h/c/lib:" });
});

test("socket and TCP port exclude each other across layers: the later choice wins, also when remembered", () => {
  const l = (values: object) => ({ source: "remembered" as const, where: null, values });
  assert.deepEqual(layerSettings([l({ port: 9000, rootDir: "/r" }), l({ sock: true })]).values, {
    rootDir: "/r",
    sock: true,
  });
  assert.deepEqual(layerSettings([l({ sock: true }), l({ port: 9000 })]).values, { sock: false, port: 9000 });
  assert.deepEqual(mergeRemembered({ port: 9000, jupyter: "/j" }, { sock: true }), { jupyter: "/j", sock: true });
  assert.deepEqual(mergeRemembered({ sock: true }, { app: "lab" }), { sock: true, app: "lab" });
});

test("a leading ~ of a path setting is the home", () => {
  assert.equal(expandTilde("~/env/bin/python", "/h"), "/h/env/bin/python");
  assert.equal(expandTilde("~", "/h"), "/h");
  assert.equal(expandTilde("/x/~/y", "/h"), "/x/~/y");
  assert.equal(expandTilde("~other/x", "/h"), "~other/x");
});
