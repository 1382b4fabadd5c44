import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cycles, importsOf, layerViolations, readGraph, srcDir, type ImportGraph } from "./import-graph.js";

describe("the import graph of src/", () => {
  const graph = readGraph(srcDir);

  it("reads the whole tree", () => {
    assert.ok(graph.size > 100, `only ${graph.size} modules under ${srcDir}`);
    assert.ok(graph.get("cli.ts")?.includes("core/errors.ts"));
  });

  it("has no import cycle", () => {
    assert.deepEqual(cycles(graph), []);
  });

  it("keeps the layering (core only core; io only core and io; nothing reaches up)", () => {
    assert.deepEqual(layerViolations(graph), []);
  });

  it("names a scheduler's commands and variables only inside src/backends/ (the scheduler seam)", () => {
    const leaks = [...graph.keys()].filter(
      (mod) =>
        !mod.startsWith("backends/") && /SLURM_|squeue|scontrol|scancel/.test(readFileSync(join(srcDir, mod), "utf8")),
    );
    assert.deepEqual(leaks, []);
  });
});

describe("the import-graph check itself", () => {
  const synthetic: ImportGraph = new Map([
    ["core/a.ts", ["core/b.ts"]],
    ["core/b.ts", ["core/a.ts"]],
    ["io/c.ts", ["core/a.ts", "commands/d.ts"]],
    ["commands/d.ts", ["io/c.ts"]],
    ["backends/e.ts", ["commands/d.ts"]],
    ["commands/f.ts", ["cli.ts"]],
    ["cli.ts", ["commands/f.ts"]],
    ["supervisor/g.ts", ["supervisor/g.ts"]],
    ["supervisor/h.ts", ["backends/scheduler.ts", "backends/slurm/x.ts"]],
    ["backends/scheduler.ts", []],
    ["backends/slurm/x.ts", []],
  ]);

  it("reports every cycle", () => {
    assert.deepEqual(cycles(synthetic), [
      ["cli.ts", "commands/f.ts"],
      ["commands/d.ts", "io/c.ts"],
      ["core/a.ts", "core/b.ts"],
      ["supervisor/g.ts"],
    ]);
  });

  it("reports every upward import", () => {
    assert.deepEqual(layerViolations(synthetic), [
      "io/c.ts -> commands/d.ts: io may not import commands",
      "backends/e.ts -> commands/d.ts: backends may not import commands",
      "commands/f.ts -> cli.ts: commands may not import cli",
      "supervisor/h.ts -> backends/slurm/x.ts: supervisor may import backends only through backends/scheduler.ts",
    ]);
  });

  it("finds static, type-only, side-effect and dynamic imports, resolving .js to .ts", () => {
    const text = [
      'import { x } from "../core/x.js";',
      'import type { Y } from "./y.js";',
      'import "../io/side.js";',
      'const m = await import("../commands/late.js");',
      'import { readFileSync } from "node:fs";',
    ].join("\n");
    assert.deepEqual(importsOf("backends/slurm/z.ts", text), [
      "backends/core/x.ts",
      "backends/slurm/y.ts",
      "backends/io/side.ts",
      "backends/commands/late.ts",
    ]);
  });
});
