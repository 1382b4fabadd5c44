// The bundle's boot (scripts/build.mjs, src/boot.ts): node parses only this small code at the top of the file; the
// main code and the packed command trees follow in line comments, one section each, which node's parse skips. The
// main code is compiled here with the V8 code cache of an earlier run (io/code-cache.ts), as each tree is when it is
// first used.
import { readFileSync } from "node:fs";
import { mainCacheName } from "../core/code-cache.js";
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
function section(text: string | Buffer, file: string, name: string): { hash: string; body: string } {
  const at = text.indexOf(`${OPEN}${name} `);
  const nl = at < 0 ? -1 : text.indexOf("\n", at + OPEN.length);
  const end = nl < 0 ? -1 : text.indexOf(CLOSE, nl);
  if (end < 0) throw new JlremoteError(`${file} has no section '${name}': the bundle is damaged; install it again`);
  const part = (from: number, to: number) =>
    typeof text === "string" ? text.slice(from, to) : text.toString("latin1", from, to);
  // The hash outlives the boot (a cache's key): a copy, not a slice that would keep the whole text alive (joined
  // afresh: a Buffer's first use would cost the boot ~0.1 ms).
  const hash = Array.from(part(at + OPEN.length + name.length + 1, nl)).join("");
  return { hash, body: part(nl + 3, end).replaceAll("\n//", "\n") };
}

/**
 * Run the main section of the bundle `file` as the body of its CommonJS module (`mod`, `req`, `dir` are the module's
 * own). `source`: the sections' text as node read it (src/boot.ts: the text of the arrow function they are the body
 * of, a slice of node's string of the file), so the file is not read again (~0.5 ms of status); null, or a text without
 * the main section (a copy cut short): the file is read. The main code gets `__jlSection(name)`: a packed tree's text,
 * from that same text (a bundle replaced later, by an upgrade, must not mix its trees with this code). Its code cache
 * is the command's (core/code-cache.ts, `mainCacheName`; `argv`: the arguments after the script). A damaged file:
 * JlremoteError (src/boot.ts says it).
 */
export function bootBundle(
  file: string,
  dir: string,
  mod: { exports: unknown },
  req: NodeJS.Require,
  source: string | null = null,
  argv: readonly string[] = process.argv.slice(2),
): void {
  let text: string | Buffer = source?.includes(`${OPEN}main `) ? source : readFileSync(file);
  // One line, the module function's text included (scripts/build.mjs, bundleFile): compiled as it stands in the file.
  const main = section(text, file, "main");
  const run = compileTree(mainCacheName(argv), main.hash, main.body, file, file) as (...args: unknown[]) => void;
  run(mod.exports, req, mod, file, dir, (name: string) => {
    // A process that loads a tree may live long (a supervisor): its text moves out of V8's heap, whose collections
    // are sized by what it holds (figure 9: the idle supervisor's growth); `status` loads none and keeps the string.
    if (typeof text === "string") text = Buffer.from(text, "latin1");
    return section(text, file, name).body;
  });
}
