// The kernel keeper (python/jlremote_keeper.py) with a real Python: spawns, their log, cwd and PATH, and its errors.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { attachKeeper, startKeeper, type Keeper } from "../../../src/io/keeper.js";
import { spawnKeeperProcess } from "../../../src/io/keeper-process.js";
import { killPid } from "../../helpers/cli.js";

const script = resolve(import.meta.dirname, "../../../python/jlremote_keeper.py");

/**
 * A Python without `os.posix_spawn` (as before Python 3.8): the keeper's fork + exec fallback, which no Python here
 * would take otherwise. It is given `-I -S script` as the real one is.
 */
function pythonWithoutPosixSpawn(dir: string): string {
  const shim = join(dir, "python-without-posix-spawn");
  const run =
    "import os, runpy, sys; del os.posix_spawn; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')";
  writeFileSync(shim, `#!/bin/sh\nshift 2\nexec /usr/bin/python3 -I -S -c "${run}" "$@"\n`, { mode: 0o755 });
  return shim;
}

/** Each test that spawns runs with both: posix_spawn, and the fork + exec fallback. */
const pythons = [
  ["posix_spawn", () => "/usr/bin/python3"],
  ["fork + exec", pythonWithoutPosixSpawn],
] as const;

async function keeper(
  t: { after: (fn: () => Promise<void> | void) => void },
  python = "/usr/bin/python3",
): Promise<Keeper> {
  const k = await startKeeper(python, script);
  assert.ok(!("failed" in k), "failed" in k ? k.failed : "");
  t.after(async () => {
    await k.quit();
    killPid(k.identity.pid);
  });
  return k;
}

for (const [how, python] of pythons) {
  test(`${how}: a spawn runs in its cwd with its env, its PATH finds a bare name, output appends to the spawn's log`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "jlr-keeper-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const k = await keeper(t, python(dir));
    const log = join(dir, "jupyter.log");
    const env = { PATH: "/usr/bin:/bin", MARK: "m1" };
    const sh = "echo out $MARK; pwd; echo err >&2; grep SigIgn /proc/self/status; exit 7";
    const child = await k.spawnJupyter("sh", ["-c", sh], dir, env, log);
    assert.deepEqual(await child.exited, { code: 7, signal: null });
    const text = readFileSync(log, "utf8");
    assert.match(text, /^out m1\n/);
    assert.ok(text.includes(`\n${dir}\n`), text);
    assert.match(text, /\nerr\n/);
    // SIGPIPE, SIGXFSZ, SIGINT and SIGHUP (ignored by Python or the keeper) are not ignored in the child.
    const ignored = BigInt(`0x${/SigIgn:\s*([0-9a-f]+)/.exec(text)?.[1]}`);
    for (const sig of [1, 2, 13, 25]) assert.equal((ignored >> BigInt(sig - 1)) & 1n, 0n, `signal ${sig} ignored`);
    // A second spawn appends to the same log.
    const again = await k.spawnJupyter("/bin/sh", ["-c", "echo second"], dir, env, log);
    await again.exited;
    assert.match(readFileSync(log, "utf8"), /second\n$/);
  });

  test(`${how}: spawn errors come back as rejections: no such program, no such cwd, a log that cannot be opened`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "jlr-keeper-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const k = await keeper(t, python(dir));
    const log = join(dir, "jupyter.log");
    const env = { PATH: "/usr/bin:/bin" };
    await assert.rejects(k.spawnJupyter("/nonexistent/jupyter", [], dir, env, log), /ENOENT/);
    await assert.rejects(k.spawnJupyter("no-such-jupyter-here", [], dir, env, log), /ENOENT/);
    // A bare name found nowhere on PATH is never run from the (maybe shared) root dir it starts in.
    const planted = join(dir, "planted-jupyter");
    writeFileSync(planted, `#!/bin/sh\ntouch ${join(dir, "ran")}\n`, { mode: 0o755 });
    await assert.rejects(k.spawnJupyter("planted-jupyter", [], dir, env, log), /ENOENT/);
    assert.equal(existsSync(join(dir, "ran")), false);
    await assert.rejects(k.spawnJupyter("true", [], join(dir, "gone"), env, log), /cannot enter .*gone/);
    await assert.rejects(k.spawnJupyter("true", [], dir, env, join(dir, "gone", "x.log")), /cannot open the log/);
    // Still serving after the errors.
    const ok = await k.spawnJupyter("true", [], dir, env, log);
    assert.deepEqual(await ok.exited, { code: 0, signal: null });
  });
}

test("the keeper holds no working directory of the user's", async (t) => {
  const k = await keeper(t);
  assert.equal(readlinkSync(`/proc/${k.identity.pid}/cwd`), "/");
});

test("no keeper, at once and with the reason: a missing Python, or a keeper started ahead that died", async () => {
  const t0 = performance.now();
  const missing = await startKeeper("/nonexistent/python3", script);
  assert.ok("failed" in missing);
  // A Python that dies before its ready line, with last words on stderr.
  const dies = spawnKeeperProcess("/usr/bin/python3", "-c");
  await new Promise((r) => dies.once("exit", r));
  const dead = await attachKeeper(dies);
  assert.ok("failed" in dead, "a dead keeper is no keeper");
  // Not the 10 s readiness timeout.
  assert.ok(performance.now() - t0 < 5000, `took ${performance.now() - t0} ms`);
});
