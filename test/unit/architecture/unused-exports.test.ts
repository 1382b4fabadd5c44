import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { srcDir } from "./import-graph.js";

const root = join(srcDir, "..");

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), ext) : ext.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Exported functions, constants and classes of `text` (types are left to the compiler). */
function exportedValues(text: string): string[] {
  return [...text.matchAll(/^export (?:async )?(?:function\*?|const|let|class) (\w+)/gm)].map((m) => m[1] as string);
}

/** `name`s exported by a module of src/ that no other file (src, tests, bench, scripts) mentions. */
export function unusedExports(files: Map<string, string>, modules: string[]): string[] {
  const out: string[] = [];
  for (const mod of modules) {
    for (const name of exportedValues(files.get(mod) as string)) {
      const word = new RegExp(`\\b${name}\\b`);
      const used = [...files].some(([f, t]) => f !== mod && word.test(t));
      if (!used) out.push(`${mod}: ${name}`);
    }
  }
  return out;
}

describe("exports", () => {
  it("every exported function, constant and class of src/ is used outside its module", () => {
    const all = [
      ...filesUnder(join(root, "src"), /\.ts$/),
      ...filesUnder(join(root, "test"), /\.ts$/),
      ...filesUnder(join(root, "bench"), /\.(m?js|ts)$/),
      ...filesUnder(join(root, "scripts"), /\.m?js$/),
    ];
    const files = new Map(all.map((f) => [relative(root, f), readFileSync(f, "utf8")]));
    const modules = [...files.keys()].filter((f) => f.startsWith("src/"));
    assert.deepEqual(unusedExports(files, modules), []);
  });

  it("the check finds an export nobody uses", () => {
    const files = new Map([
      ["src/a.ts", "export function used() {}\nexport const dead = 1;\nexport type T = number;\n"],
      ["src/b.ts", 'import { used } from "./a.js";\nused();\n'],
    ]);
    assert.deepEqual(unusedExports(files, ["src/a.ts", "src/b.ts"]), ["src/a.ts: dead"]);
  });
});
