import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { withPrologue } from "../../../src/core/jupyter-install.js";
import { detectInstall } from "../../../src/io/jupyter-detect.js";
import { jupyterlab4, labVenv } from "../../helpers/flavours.js";

const bare = { PATH: "/usr/bin:/bin", HOME: "/tmp" };

test("a venv's python offers lab and server through python -m", { skip: jupyterlab4.skip }, async () => {
  const { install } = await detectInstall(join(labVenv, "bin", "python"), bare, "/", null);
  assert.equal(install.kind, "python");
  assert.deepEqual(install.commands.lab, [join(labVenv, "bin", "python"), "-m", "jupyterlab"]);
  assert.deepEqual(install.commands.server, [join(labVenv, "bin", "python"), "-m", "jupyter_server"]);
  assert.equal(install.commands.notebook, undefined);
});

test("with a prologue, a bare `jupyter` is looked up on the PATH the prologue makes", {
  skip: jupyterlab4.skip,
}, async () => {
  const { install, env } = await detectInstall("jupyter", bare, "/", `. ${labVenv}/bin/activate`);
  assert.match(install.path, /jupyterlab-venv\/bin\/jupyter$/);
  assert.ok(install.commands.lab, "lab is offered");
  assert.match(env.PATH ?? "", /jupyterlab-venv\/bin:/);
});

test("a failing prologue is one clear error", async () => {
  await assert.rejects(
    detectInstall("jupyter", bare, "/", "echo 'module: not found' >&2; exit 3"),
    /no 'jupyter' after the prologue \(module: not found\); fix the prologue/,
  );
});

test("the prologue's sh execs the command: same PID, the prologue's environment; a failure stops before it", async () => {
  const argv = withPrologue('X=from-prologue; export X; echo "prologue ran"', ["/bin/sh", "-c", 'echo "$$ $X"']);
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: ["ignore", "pipe", "ignore"],
    env: { PATH: "/usr/bin:/bin" },
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  await new Promise((r) => child.on("close", r));
  assert.equal(out.trim(), `prologue ran\n${child.pid} from-prologue`);
  const bad = withPrologue("false", ["/bin/echo", "never"]);
  const r = spawnSync(bad[0] as string, bad.slice(1), { encoding: "utf8" });
  assert.equal(r.status, 126);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /jlremote: the prologue failed \(exit 1\)/);
});
