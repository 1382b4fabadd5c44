// The first part of each bundle (dist/*.cjs, see scripts/build.mjs): the bundle's code follows it in one comment,
// which node only skips over; this compiles that code with a V8 code cache when there is a trusted one, and runs it.
import { readFileSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { type CodeCacheContext, cacheDirs, compileCached } from "./io/code-cache.js";

/** Set by the build: the code's hash, the comment's first line, and whether `*` `/` pairs were split to fit. */
declare const __JL_BOOT__: { build: string; marker: string; escaped: string | null };

/** Read this file, find the code, compile and run it with this module's CommonJS bindings. */
function boot(): void {
  const text = readFileSync(__filename, "latin1");
  const at = text.indexOf(__JL_BOOT__.marker);
  let code = text.slice(at + __JL_BOOT__.marker.length, text.lastIndexOf("*/"));
  if (__JL_BOOT__.escaped !== null) code = code.replaceAll(__JL_BOOT__.escaped, "*/");
  let ctx: CodeCacheContext | null = null;
  if (process.env.JLREMOTE_CODE_CACHE !== "0") {
    try {
      const st = statSync(__filename);
      ctx = {
        build: __JL_BOOT__.build,
        bundle: { size: st.size, mtimeMs: st.mtimeMs },
        dirs: cacheDirs(dirname(__filename), process.env),
      };
    } catch {
      ctx = null;
    }
  }
  const lineOffset = text.slice(0, at).split("\n").length;
  const wrapper = "(function (exports, require, module, __filename, __dirname, __jlCompileCached) {";
  const fn = compileCached(ctx, basename(__filename, ".cjs"), `${wrapper}${code}\n})`, __filename, lineOffset) as (
    ...args: unknown[]
  ) => void;
  // Embedded trees (scripts/build.mjs) compile through the same cache.
  const compileTree = (name: string, source: string, filename: string) => compileCached(ctx, name, source, filename);
  fn.call(module.exports, module.exports, require, module, __filename, __dirname, compileTree);
}

boot();
