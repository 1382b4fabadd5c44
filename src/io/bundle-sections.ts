// The bundle's boot (scripts/build.mjs, src/boot.ts): node parses only this small code at the top of the file; the
// main code and the packed command trees follow in line comments, one section each, which node's parse skips. The
// main code is compiled here with the V8 code cache of an earlier run (io/code-cache.ts), as each tree is when it is
// first used.
import { readFileSync } from "node:fs";
import { JlremoteError } from "../core/errors.js";
import { compileTree } from "./code-cache.js";

/** Opens a section: this, its name, a space, its build hash; then its body's lines, each a line comment (`//`). */
const OPEN = "\n//@jl:section ";
/** Closes a section. */
const CLOSE = "\n//@jl:end";

/**
 * A section of the bundle's text: its build hash and its body (each line's `//` taken off). Line comments: a copy cut
 * short anywhere still parses, so the boot runs and says the bundle is damaged.
 */
function section(text: Buffer, file: string, name: string): { hash: string; body: string } {
  const at = text.indexOf(`${OPEN}${name} `);
  const nl = at < 0 ? -1 : text.indexOf(10, at + OPEN.length);
  const end = nl < 0 ? -1 : text.indexOf(CLOSE, nl);
  if (end < 0) throw new JlremoteError(`${file} has no section '${name}': the bundle is damaged; install it again`);
  const head = text.toString("latin1", at + OPEN.length, nl);
  return { hash: head.slice(name.length + 1), body: text.toString("latin1", nl + 3, end).replaceAll("\n//", "\n") };
}

/**
 * Run the main section of the bundle `file` as the body of its CommonJS module (`mod`, `req`, `dir` are the module's
 * own). The main code gets `__jlSection(name)`: a packed tree's text, from the file as read now (a bundle replaced
 * later, by an upgrade, must not mix its trees with this code). A damaged file: JlremoteError (src/boot.ts says it).
 */
export function bootBundle(file: string, dir: string, mod: { exports: unknown }, req: NodeJS.Require): void {
  const text = readFileSync(file);
  const main = section(text, file, "main");
  const wrapped = `(function (exports, require, module, __filename, __dirname, __jlSection) {${main.body}\n})`;
  const run = compileTree("main", main.hash, wrapped, file, file) as (...args: unknown[]) => void;
  run(mod.exports, req, mod, file, dir, (name: string) => section(text, file, name).body);
}
