// The supervisor's young generation stops growing once settleSupervisorHeap has run (figure 9: an idle supervisor's
// RSS stays put), in a supervisor's node only: real node processes that churn through short-lived objects.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { SUPERVISOR_NODE_FLAGS } from "../../../src/io/supervisor-argv.js";

const MODULE = resolve(import.meta.dirname, "../../../src/io/young-generation.ts");

/** A script that settles the heap (argv "settle") or not, then keeps a rolling window of objects alive a while. */
const CHURN = `import { getHeapSpaceStatistics } from "node:v8";
import { settleSupervisorHeap } from ${JSON.stringify(MODULE)};
const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
if (process.argv[2] === "settle") settleSupervisorHeap();
const before = newSpace();
let max = before;
const window = [];
for (let i = 0; i < 400000; i += 1) {
  window.push({ i, s: "x" + i, a: [i, i + 1, i + 2] });
  if (window.length > 20000) window.shift();
  if (i % 1000 === 0) max = Math.max(max, newSpace());
}
process.stdout.write(JSON.stringify({ before, max }) + "\\n");
`;

/** Run the churn in a node with `flags`; returns the young generation's size before and its largest during it. */
function churn(dir: string, flags: readonly string[], mode: "settle" | "none"): { before: number; max: number } {
  const script = join(dir, "churn.ts");
  writeFileSync(script, CHURN);
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", script, mode], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { before: number; max: number };
}

test("in a supervisor's node the young generation keeps its size once settled, and grows without it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-young-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const settled = churn(dir, SUPERVISOR_NODE_FLAGS, "settle");
  assert.equal(settled.max, settled.before, `grew from ${settled.before} to ${settled.max} bytes`);
  // The same churn unsettled grows it: the check above can fail.
  const free = churn(dir, SUPERVISOR_NODE_FLAGS, "none");
  assert.ok(free.max > free.before, `did not grow (${free.before} bytes)`);
});

test("outside a supervisor's node (a command's) settling does nothing", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-young-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = churn(dir, [], "settle");
  assert.ok(r.max > r.before, `did not grow (${r.before} bytes)`);
});
