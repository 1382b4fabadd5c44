// Integration tests for src/io/code-cache.ts: a cache owed can be written early for one script only, the others at
// the exit (a status that goes on to start the instance in its own process saves its main code's cache first).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const codeCache = resolve(import.meta.dirname, "../../../src/io/code-cache.ts");

test("saveCodeCacheNow(name) writes that script's cache at once and leaves the others to the exit", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, "b.cjs");
  writeFileSync(bundle, "// a bundle\n");
  // A child process: its exit writes what it still owes.
  const child = `
    import { readdirSync } from "node:fs";
    import { compileTree, saveCodeCacheNow } from ${JSON.stringify(codeCache)};
    const list = () => readdirSync(${JSON.stringify(dir)}).filter((f) => f.endsWith(".v8cache")).sort().join(",");
    const a = compileTree("a", "0a", "(function () { return 1; })", "a.js", ${JSON.stringify(bundle)});
    const b = compileTree("b", "0b", "(function () { return 2; })", "b.js", ${JSON.stringify(bundle)});
    console.log("compiled:" + list());
    saveCodeCacheNow("a");
    console.log("after a:" + list());
    saveCodeCacheNow("a");
    console.log("ran:" + a() + b());
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], {
    env: { ...process.env, JLREMOTE_CODE_CACHE: "1", XDG_CACHE_HOME: join(dir, "user-cache") },
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines[0], "compiled:");
  assert.match(lines[1] ?? "", /^after a:a-0a-[^,]+\.v8cache$/);
  assert.equal(lines[2], "ran:12");
  const atExit = readdirSync(dir).filter((f) => f.endsWith(".v8cache"));
  assert.equal(atExit.length, 2, atExit.join());
  assert.ok(atExit.some((f) => f.startsWith("b-0b-")));
});
