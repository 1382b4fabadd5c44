// exitNow ends a real node process with its code: straight through node's exit when nothing listens for the exit
// event, through process.exit (listeners run) when something does, and through a library's hook of reallyExit
// (signal-exit, which proper-lockfile loads) when one is installed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const MODULE = resolve(import.meta.dirname, "../../../src/io/exit-now.ts");

/** Run `body` (after exitNow's import and a spy on process.exit) in a fresh node; its exit status and stdout. */
function run(body: string): { status: number | null; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), "exit-now-"));
  try {
    const script = join(dir, "main.ts");
    writeFileSync(
      script,
      [
        `import { writeSync } from "node:fs";`,
        `import { exitNow } from ${JSON.stringify(MODULE)};`,
        `const say = (s: string) => writeSync(1, s + "\\n");`,
        `const exit = process.exit.bind(process);`,
        `process.exit = ((code?: number) => { say("process.exit " + code); return exit(code); }) as typeof process.exit;`,
        // tsx listens for the exit event; the bundled CLI has no such listener.
        `process.removeAllListeners("exit");`,
        body,
        `say("after exitNow");`,
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    return { status: r.status, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("with no exit listener, exitNow exits with its code without process.exit", () => {
  const r = run(`process.exitCode = 1;\nexitNow(7);`);
  assert.equal(r.status, 7);
  assert.equal(r.stdout, "");
});

test("with an exit listener, exitNow goes through process.exit and the listener sees the code", () => {
  const r = run(`process.on("exit", (code) => say("listener " + code));\nexitNow(5);`);
  assert.equal(r.status, 5);
  assert.equal(r.stdout, "process.exit 5\nlistener 5\n");
});

test("a library's hook of reallyExit (signal-exit) still runs", () => {
  const r = run(
    [
      `const raw = (process as any).reallyExit;`,
      `(process as any).reallyExit = (code: number) => { say("hook " + code); return raw.call(process, code); };`,
      `exitNow(0);`,
    ].join("\n"),
  );
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "hook 0\n");
});
