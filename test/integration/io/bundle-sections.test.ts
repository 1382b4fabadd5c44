// Integration tests for src/io/bundle-sections.ts: a bundle file's main section runs as its module's body, with its
// packed sections; a damaged file is a JlremoteError.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JlremoteError } from "../../../src/core/errors.js";
import { bootBundle } from "../../../src/io/bundle-sections.js";

const section = (name: string, body: string) =>
  `\n//@jl:section ${name} 0123abcd\n//${body.replaceAll("\n", "\n//")}\n//@jl:end`;
/** The main section: the module function's text around its code, as scripts/build.mjs writes it. */
const mainSection = (code: string) =>
  section("main", `(function (exports, require, module, __filename, __dirname, __jlSection) {${code}\n})`);

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
    // Lines of the main code that look like comment ends or section markers are only text in a line comment.
    "module.exports.text = `a*/b\n//@jl:end\n/*`;",
    "module.exports.strict = (function () { return this === undefined; })();",
  ].join("\n");
  writeFileSync(
    file,
    `// the boot would be here${mainSection(main)}${section("t1", "QUJD")}${section("t2", "ZGVm")}\n`,
  );
  const mod = { exports: {} as Record<string, unknown> };
  bootBundle(file, dir, mod, createRequire(file));
  assert.equal(mod.exports.tree, "QUJD");
  assert.equal(mod.exports.other, "ZGVm");
  assert.deepEqual(mod.exports.where, [file, dir]);
  assert.equal(mod.exports.os, "\n");
  assert.equal(mod.exports.text, "a*/b\n//@jl:end\n/*");
  assert.equal(mod.exports.strict, true);
});

test("a bundle cut short in its main section: a JlremoteError that names the file (src/boot.ts prints it)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-bundle-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "jlremote.cjs");
  writeFileSync(file, "// boot\n//@jl:section main 0123abcd\n//module.exports = 1;\n");
  assert.throws(
    () => bootBundle(file, dir, { exports: {} }, createRequire(file)),
    (err: unknown) =>
      err instanceof JlremoteError &&
      err.message === `${file} has no section 'main': the bundle is damaged; install it again`,
  );
});

test("with the sections' text as node read it (src/boot.ts), the file is not read again; a text without the main section is", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-bundle-"));
  const cache = process.env.JLREMOTE_CODE_CACHE;
  process.env.JLREMOTE_CODE_CACHE = "0";
  t.after(() => {
    if (cache === undefined) delete process.env.JLREMOTE_CODE_CACHE;
    else process.env.JLREMOTE_CODE_CACHE = cache;
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, "x.cjs");
  const sections = (value: string) =>
    `${mainSection(`module.exports.v = ${JSON.stringify(value)}; module.exports.t = __jlSection("t");`)}${section("t", value)}`;
  const bundle = (value: string) => `// boot\nvar __jlSections = () => 0${sections(value)}\n+0;\n`;
  writeFileSync(file, bundle("on disk"));
  const run = (source: string | null) => {
    const mod = { exports: {} as Record<string, unknown> };
    bootBundle(file, dir, mod, createRequire(file), source);
    return mod.exports;
  };
  // The text of the arrow function the sections are the body of, as Function.prototype.toString gives it (src/boot.ts).
  assert.deepEqual(run(`() => 0${sections("as read")}\n+0`), { v: "as read", t: "as read" });
  // A copy cut short in the sections: the arrow without them.
  assert.deepEqual(run("() => 0"), { v: "on disk", t: "on disk" });
  assert.deepEqual(run(null), { v: "on disk", t: "on disk" });
});
