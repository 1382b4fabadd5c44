import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  appendFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { capAppendLog, RotatingFile, tailLines } from "../../../src/io/logs.js";
import { killPid, waitFor } from "../../helpers/cli.js";

function tempDir(t: { after: (fn: () => unknown) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "jlr-logs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("the supervisor's log rotates by size and keeps only N rotated files", (t) => {
  const file = join(tempDir(t), "supervisor.log");
  const log = new RotatingFile(file, { maxBytes: 4096, keep: 2 });
  const line = `${"x".repeat(99)}\n`;
  for (let i = 0; i < 200; i += 1) log.write(line);
  for (const f of [file, `${file}.1`, `${file}.2`]) {
    assert.ok(existsSync(f), f);
    assert.ok(statSync(f).size <= 4096, `${f}: ${statSync(f).size}`);
  }
  assert.equal(existsSync(`${file}.3`), false);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test("a log another process appends to is capped in place: copied to .1 and truncated; the writer's fd keeps working", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "jupyter.log");
  const fd = openSync(file, "a", 0o600);
  // A writer holding its own O_APPEND fd, like Jupyter (also one adopted from a dead supervisor).
  const writer = spawn(
    "/usr/bin/python3",
    ["-u", "-c", "import time\nfor i in range(100000):\n  print('line', i, 'x' * 80)\n  time.sleep(0.0002)"],
    { stdio: ["ignore", fd, fd] },
  );
  closeSync(fd);
  t.after(() => killPid(writer.pid));
  let rotations = 0;
  await waitFor(
    "three rotations",
    () => {
      if (capAppendLog(file, { maxBytes: 16 * 1024, keep: 2 })) rotations += 1;
      return rotations >= 3;
    },
    30_000,
    20,
  );
  killPid(writer.pid);
  const text = readFileSync(file);
  assert.ok(!text.includes(0), "truncation left a hole of NUL bytes: the writer's fd is not in append mode");
  assert.ok(existsSync(`${file}.1`) && existsSync(`${file}.2`));
  assert.equal(existsSync(`${file}.3`), false);
  assert.match(readFileSync(`${file}.1`, "utf8"), /^line \d+ x+$/m);
});

test("tailLines reads only the end: the last lines of a 700 MB file, fast", (t) => {
  const file = join(tempDir(t), "big.log");
  // Sparse: no disk used; reading it whole would need 700 MB of memory and fail as a string (over V8's limit).
  appendFileSync(file, "first\n");
  truncateSync(file, 700 * 1024 * 1024);
  appendFileSync(file, "\nsecond to last\nlast\n");
  const t0 = performance.now();
  assert.equal(tailLines(file, 2), "second to last\nlast");
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(tailLines(join(tempDir(t), "none"), 5), "");
});

test("tailLines returns the whole of a short file and exactly n lines of a long one", (t) => {
  const file = join(tempDir(t), "a.log");
  appendFileSync(file, "a\nb\nc\n");
  assert.equal(tailLines(file, 10), "a\nb\nc");
  const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
  appendFileSync(file, `${lines.join("\n")}\n`);
  assert.equal(tailLines(file, 3), "line 49997\nline 49998\nline 49999");
});
