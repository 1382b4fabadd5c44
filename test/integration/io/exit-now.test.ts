// chooseExit's exit ends a real node process with its code: straight through node's exit when nothing listens for the
// exit event, through process.exit (listeners run) when something does, and a lock taken with proper-lockfile is
// released either way (its signal-exit hooks node's exit).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const MODULE = resolve(import.meta.dirname, "../../../src/io/exit-now.ts");
const LOCKFILE = createRequire(import.meta.url).resolve("proper-lockfile");

/** Run `body` (after chooseExit's import and a spy on process.exit) in a fresh node; its exit status and stdout. */
function run(dir: string, body: string): { status: number | null; stdout: string } {
  const script = join(dir, "main.ts");
  writeFileSync(
    script,
    [
      `import { existsSync, writeFileSync, writeSync } from "node:fs";`,
      `import lockfile from ${JSON.stringify(LOCKFILE)};`,
      `import { chooseExit } from ${JSON.stringify(MODULE)};`,
      `const say = (s: string) => writeSync(1, s + "\\n");`,
      `const exit = process.exit.bind(process);`,
      `process.exit = ((code?: number) => { say("process.exit " + code); return exit(code); }) as typeof process.exit;`,
      // tsx listens for the exit event; the bundled CLI has no such listener.
      `process.removeAllListeners("exit");`,
      body,
      `say("after the exit");`,
    ].join("\n"),
  );
  const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout };
}

/** A temp dir for one test, removed after it. */
function inTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "exit-now-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("with no exit listener, the exit is node's own, with its code, not process.exit", () =>
  inTempDir((dir) => {
    const r = run(dir, `process.exitCode = 1;\nchooseExit()(7);`);
    assert.equal(r.status, 7);
    assert.equal(r.stdout, "");
  }));

test("with an exit listener, the exit goes through process.exit and the listener sees the code", () =>
  inTempDir((dir) => {
    const r = run(dir, `process.on("exit", (code) => say("listener " + code));\nchooseExit()(5);`);
    assert.equal(r.status, 5);
    assert.equal(r.stdout, "process.exit 5\nlistener 5\n");
  }));

test("a lock taken with proper-lockfile is released by the exit", () =>
  inTempDir((dir) => {
    const r = run(
      dir,
      [
        `const target = ${JSON.stringify(join(dir, "target"))};`,
        `writeFileSync(target, "");`,
        `lockfile.lockSync(target, { realpath: false });`,
        `say(existsSync(target + ".lock") ? "locked" : "not locked");`,
        `chooseExit()(0);`,
      ].join("\n"),
    );
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "locked\n");
    assert.equal(existsSync(join(dir, "target.lock")), false, "the lock directory outlived the process");
  }));
