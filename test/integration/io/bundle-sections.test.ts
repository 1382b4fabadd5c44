// Integration tests for src/io/bundle-sections.ts: a bundle file's main section runs as its module's body, with its
// packed sections; a damaged file fails with one line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { bootBundle } from "../../../src/io/bundle-sections.js";

const section = (name: string, body: string) => `\n/*@jl:section ${name} 0123abcd\n${body}\n@jl:end*/`;

test("the main section runs as the module's body: its own file, dir, require and the packed sections", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-bundle-"));
  const cache = process.env.JLREMOTE_CODE_CACHE;
  process.env.JLREMOTE_CODE_CACHE = "0"; // no cache written by this test process at its exit
  t.after(() => {
    if (cache === undefined) delete process.env.JLREMOTE_CODE_CACHE;
    else process.env.JLREMOTE_CODE_CACHE = cache;
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, "x.cjs");
  const main = [
    '"use strict";',
    'module.exports.tree = __jlSection("t1");',
    "module.exports.other = __jlSection('t2');",
    "module.exports.where = [__filename, __dirname];",
    'module.exports.os = require("node:os").EOL;',
    // The build writes each `*/` of the main code so (a comment cannot hold it); the boot undoes it.
    'module.exports.escaped = "a*\x01/b" + /x*\x01/.source;',
    "module.exports.strict = (function () { return this === undefined; })();",
  ].join("\n");
  writeFileSync(
    file,
    `// the boot would be here${section("main", main)}${section("t1", "QUJD")}${section("t2", "ZGVm")}\n`,
  );
  const mod = { exports: {} as Record<string, unknown> };
  bootBundle(file, dir, mod, createRequire(file));
  assert.equal(mod.exports.tree, "QUJD");
  assert.equal(mod.exports.other, "ZGVm");
  assert.deepEqual(mod.exports.where, [file, dir]);
  assert.equal(mod.exports.os, "\n");
  assert.equal(mod.exports.escaped, "a*/bx*");
  assert.equal(mod.exports.strict, true);
});

test("a bundle without its main section says so on one line and exits 1, without a stack trace", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-bundle-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "jlremote.cjs");
  // Cut short inside the main section (a partial copy).
  writeFileSync(file, `// boot\n/*@jl:section main 0123abcd\nmodule.exports = 1;\n`);
  const src = resolve(import.meta.dirname, "../../../src/io/bundle-sections.ts");
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "-e", "require(process.argv[1]).bootBundle(process.argv[2], '/', module, require)", src, file],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.equal(
    r.stderr,
    `jlremote: cannot start: ${file} has no section 'main': the bundle is damaged; install it again\n`,
  );
});
