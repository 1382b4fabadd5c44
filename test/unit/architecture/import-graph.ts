// The import graph of src/ and the layering rules it must keep (ARCHITECTURE.md): read, checked, reported.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";

/** Module path (relative to src/, posix, ".ts") -> the src modules it imports (static, dynamic and type-only). */
export type ImportGraph = Map<string, string[]>;

/** The layer of a module: its top folder under src/, or "cli" for the entry files, or the file name (context). */
export function layerOf(mod: string): string {
  const slash = mod.indexOf("/");
  if (slash >= 0) return mod.slice(0, slash);
  if (/^(cli|jllocal)(-commands)?\.ts$|^boot\.ts$/.test(mod)) return "cli";
  return mod.replace(/\.ts$/, "");
}

/** Which layers each layer may import (its own included). A layer not listed here is a violation by itself. */
export const allowed: Record<string, readonly string[]> = {
  core: ["core"],
  io: ["core", "io"],
  context: ["core"],
  instance: ["core", "io", "context", "instance"],
  backends: ["core", "io", "context", "instance", "backends"],
  supervisor: ["core", "io", "context", "instance", "supervisor", "backends"],
  local: ["core", "io", "local"],
  commands: ["core", "io", "context", "instance", "backends", "supervisor", "commands"],
  cli: ["core", "io", "context", "commands", "local", "cli"],
};

/** Narrower still: the only modules of a layer (value keys) that a layer (outer keys) may import. */
export const onlyThrough: Record<string, Record<string, readonly string[]>> = {
  // The supervisor knows schedulers only by their contract (their hooks are passed into supervise()).
  supervisor: { backends: ["backends/scheduler.ts"] },
};

const importRe = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** The relative imports of one source text, resolved against `mod` (".js" specifiers name ".ts" files). */
export function importsOf(mod: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] as string;
    out.add(posix.normalize(posix.join(posix.dirname(mod), spec)).replace(/\.js$/, ".ts"));
  }
  return [...out];
}

/** Read every .ts module under `srcDir`. */
export function readGraph(srcDir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const mod = relative(srcDir, p).split("\\").join("/");
        graph.set(mod, importsOf(mod, readFileSync(p, "utf8")));
      }
    }
  };
  walk(srcDir);
  return graph;
}

/** Imports against the layering, one line each ("a.ts -> b.ts: layer x may not import y"). */
export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    const may = allowed[layerOf(from)];
    if (!may) {
      out.push(`${from}: not in a known layer (${Object.keys(allowed).join(", ")})`);
      continue;
    }
    for (const to of tos) {
      if (!graph.has(to)) out.push(`${from} -> ${to}: no such module`);
      else if (!may.includes(layerOf(to))) out.push(`${from} -> ${to}: ${layerOf(from)} may not import ${layerOf(to)}`);
      else {
        const only = onlyThrough[layerOf(from)]?.[layerOf(to)];
        if (only && !only.includes(to))
          out.push(`${from} -> ${to}: ${layerOf(from)} may import ${layerOf(to)} only through ${only.join(", ")}`);
      }
    }
  }
  return out;
}

/** Every import cycle (strongly connected components of more than one module, or a module importing itself). */
export function cycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative enough for a few hundred modules.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

/** The src/ directory of this checkout. */
export const srcDir = join(dirname(new URL(import.meta.url).pathname), "..", "..", "..", "src");
