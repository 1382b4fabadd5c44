// The bundle's boot (scripts/build.mjs): node parses only this small code at the top of the file; the main code and
// the packed command trees follow in comments, one section each, which node's parse skips. The main code is compiled
// here with the V8 code cache of an earlier run (io/code-cache.ts), as each tree is when it is first used.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ExitCode } from "../core/errors.js";
import { compileTree } from "./code-cache.js";
import { isSupervisorNode } from "./supervisor-argv.js";
import { capYoungGeneration } from "./young-generation.js";

/** Opens a section: this, its name, a space, its build hash, a newline. */
const OPEN = "\n/*@jl:section ";
/** Closes a section. */
const CLOSE = "\n@jl:end*/";
/** The main code's stand-in for each `*\/` in it (a comment cannot hold one); no minified code has this byte. */
const ESCAPED_END = "*\x01/";

/** A section of the bundle's text: its build hash and its body. */
function section(text: Buffer, file: string, name: string): { hash: string; body: string } {
  const at = text.indexOf(`${OPEN}${name} `);
  const nl = at < 0 ? -1 : text.indexOf(10, at + OPEN.length);
  const end = nl < 0 ? -1 : text.indexOf(CLOSE, nl);
  if (end < 0) throw new Error(`${file} has no section '${name}': the bundle is damaged; install it again`);
  const head = text.toString("latin1", at + OPEN.length, nl);
  return { hash: head.slice(name.length + 1), body: text.toString("latin1", nl + 1, end) };
}

/**
 * Run the main section of the bundle `file` as the body of its CommonJS module (`mod`, `req`, `dir` are the module's
 * own). The main code gets `__jlSection(name)`: a packed tree's text, from the file as read now (a bundle replaced
 * later, by an upgrade, must not mix its trees with this code).
 */
export function bootBundle(file: string, dir: string, mod: { exports: unknown }, req: NodeJS.Require): void {
  let text: Buffer;
  let main: { hash: string; body: string };
  try {
    text = readFileSync(file);
    main = section(text, file, "main");
  } catch (err) {
    // A truncated copy of the bundle: one line, no stack trace (no command ran, so cli.ts maps no error).
    process.stderr.write(`${basename(file).replace(/\.c?js$/, "")}: cannot start: ${(err as Error).message}\n`);
    process.exitCode = ExitCode.failure;
    return;
  }
  // A supervisor's V8 flag set at run time changes V8's flag hash: set before any code cache is used or made.
  if (isSupervisorNode(process.execArgv)) capYoungGeneration();
  const body = main.body.includes("\x01") ? main.body.replaceAll(ESCAPED_END, "*/") : main.body;
  const wrapped = `(function (exports, require, module, __filename, __dirname, __jlSection) {${body}\n})`;
  const run = compileTree("main", main.hash, wrapped, file, file) as (...args: unknown[]) => void;
  run(mod.exports, req, mod, file, dir, (name: string) => section(text, file, name).body);
}
