import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

test("jupyter_core's launcher is skipped for the entry point beside it; a wrapper script or a symlink is kept", async (t) => {
  if (!existsSync("/usr/bin/jupyter-server")) return t.skip("Debian's jupyter-server is not installed");
  const { install } = await detectInstall("/usr/bin/jupyter", bare, "/", null);
  assert.deepEqual(install.commands.server, ["/usr/bin/jupyter-server"]);
  const dir = mkdtempSync(join(tmpdir(), "jlr-detect-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "jupyter"), '#!/bin/sh\nmodule load x\nexec /usr/bin/jupyter "$@"\n', { mode: 0o755 });
  symlinkSync("/usr/bin/jupyter-server", join(dir, "jupyter-server"));
  const wrapped = await detectInstall(join(dir, "jupyter"), bare, "/", null);
  assert.deepEqual(wrapped.install.commands.server, [join(dir, "jupyter"), "server"]);
  rmSync(join(dir, "jupyter"));
  symlinkSync("/usr/bin/jupyter", join(dir, "jupyter"));
  const linked = await detectInstall(join(dir, "jupyter"), bare, "/", null);
  assert.deepEqual(linked.install.commands.server, [join(dir, "jupyter"), "server"]);
});

test("JupyterLab 4 in a venv: jupyter-lab and jupyter-server beside the venv's launcher are run directly", {
  skip: jupyterlab4.skip,
}, async () => {
  const { install } = await detectInstall(join(labVenv, "bin", "jupyter"), bare, "/", null);
  assert.deepEqual(install.commands.lab, [join(labVenv, "bin", "jupyter-lab")]);
  assert.deepEqual(install.commands.server, [join(labVenv, "bin", "jupyter-server")]);
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

test("the prologue's sh execs the command: same PID, the prologue's environment (not its text); a failure stops before it", async () => {
  const p = withPrologue('X=from-prologue; export X; echo "prologue ran"', [
    "/bin/sh",
    "-c",
    'echo "$$ $X ${JLREMOTE_PROLOGUE:-none} ${_jlr_p:-none}"',
  ]);
  const child = spawn(p.argv[0] as string, p.argv.slice(1), {
    stdio: ["ignore", "pipe", "ignore"],
    env: { PATH: "/usr/bin:/bin", ...p.env },
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  await new Promise((r) => child.on("close", r));
  assert.equal(out.trim(), `prologue ran\n${child.pid} from-prologue none none`);
  const bad = withPrologue("false", ["/bin/echo", "never"]);
  const r = spawnSync(bad.argv[0] as string, bad.argv.slice(1), {
    encoding: "utf8",
    env: { ...process.env, ...bad.env },
  });
  assert.equal(r.status, 126);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /jlremote: the prologue failed \(exit 1\)/);
});
