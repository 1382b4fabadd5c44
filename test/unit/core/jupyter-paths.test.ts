import assert from "node:assert/strict";
import { test } from "node:test";
import {
  baseUrlFromInfo,
  jupyterConfigDir,
  jupyterRuntimeDir,
  normalizeBaseUrl,
} from "../../../src/core/jupyter-paths.js";

test("the runtime dir follows jupyter_core: JUPYTER_RUNTIME_DIR, JUPYTER_DATA_DIR, XDG_DATA_HOME, then the platform default", () => {
  const cases: [Record<string, string>, NodeJS.Platform, string][] = [
    [{ JUPYTER_RUNTIME_DIR: "/r" }, "linux", "/r"],
    [{ JUPYTER_DATA_DIR: "/d" }, "linux", "/d/runtime"],
    [{ XDG_DATA_HOME: "/x" }, "linux", "/x/jupyter/runtime"],
    [{}, "linux", "/h/.local/share/jupyter/runtime"],
    [{}, "darwin", "/h/Library/Jupyter/runtime"],
  ];
  for (const [env, platform, want] of cases)
    assert.equal(jupyterRuntimeDir(env, "/h", platform), want, JSON.stringify(env));
  assert.equal(jupyterConfigDir({}, "/h"), "/h/.jupyter");
  assert.equal(jupyterConfigDir({ JUPYTER_CONFIG_DIR: "/c" }, "/h"), "/c");
});

test("base_url comes from the info file of that very PID, normalised", () => {
  const cases: [string, number, string | null][] = [
    [JSON.stringify({ base_url: "/", pid: 5 }), 5, "/"],
    [JSON.stringify({ base_url: "/jl/", pid: 5 }), 5, "/jl/"],
    [JSON.stringify({ base_url: "/jl", pid: 5 }), 5, "/jl/"],
    [JSON.stringify({ base_url: "/jl/", pid: 6 }), 5, null],
    [JSON.stringify({ pid: 5 }), 5, null],
    ["{broken", 5, null],
  ];
  for (const [text, pid, want] of cases) assert.equal(baseUrlFromInfo(text, pid), want, text);
  assert.equal(normalizeBaseUrl("//a//b"), "/a/b/");
  assert.equal(normalizeBaseUrl(""), "/");
});
