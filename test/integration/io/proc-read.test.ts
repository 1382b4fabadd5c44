import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { spawn } from "node:child_process";
import { environWith, grepLines, readSmallFile } from "../../../src/io/proc-read.js";

test("readSmallFile reads /proc files and regular files of any size like readFileSync, and throws like it", () => {
  for (const p of [
    `/proc/${process.pid}/stat`,
    "/proc/self/status",
    `/proc/${process.pid}/task/${process.pid}/children`,
  ]) {
    const a = readSmallFile(p);
    assert.ok(a.length > 0 || p.endsWith("children"), p);
  }
  assert.equal(
    readSmallFile("/proc/sys/kernel/random/boot_id"),
    readFileSync("/proc/sys/kernel/random/boot_id", "utf8"),
  );
  const dir = mkdtempSync(join(tmpdir(), "jlr-procread-"));
  try {
    for (const size of [0, 1, 16 * 1024 - 1, 16 * 1024, 100_000]) {
      const f = join(dir, `f${size}`);
      writeFileSync(f, "é".repeat(Math.floor(size / 2)) + "x".repeat(size % 2));
      assert.equal(readSmallFile(f), readFileSync(f, "utf8"), `size ${size}`);
    }
    assert.throws(() => readSmallFile(join(dir, "missing")), { code: "ENOENT" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("grepLines returns the lines containing the needle, whatever the chunk boundaries, like a split of the whole file", () => {
  const naive = (text: string, needle: string) => text.split("\n").filter((l) => l.includes(needle));
  // A /proc file itself (size 0) is read to its end; its content changes under a busy machine, so only the shape is checked.
  for (const l of grepLines("/proc/net/tcp", " 0A "))
    assert.match(l, /^\s*\d+: [0-9A-F]{8}:[0-9A-F]{4} [0-9A-F]{8}:[0-9A-F]{4} 0A /);
  const dir = mkdtempSync(join(tmpdir(), "jlr-grep-"));
  try {
    const snapshot = join(dir, "tcp");
    writeFileSync(snapshot, readFileSync("/proc/net/tcp"));
    assert.deepEqual(grepLines(snapshot, " 0A "), naive(readFileSync(snapshot, "utf8"), " 0A "));
    // Lines of varied length so matches fall on and across every 64 KiB boundary; one without a final newline.
    const lines = Array.from(
      { length: 6000 },
      (_, i) => `${i}: ${"x".repeat(i % 97)}${i % 3 === 0 ? " 0A " : " 01 "}${"y".repeat(i % 13)}`,
    );
    for (const [name, text] of [
      ["nl", `${lines.join("\n")}\n`],
      ["no-nl", lines.join("\n")],
      ["empty", ""],
      ["hit-at-eof", "a 0A"],
      ["one", " 0A \n"],
    ] as const) {
      const f = join(dir, name);
      writeFileSync(f, text);
      assert.deepEqual(
        grepLines(f, " 0A "),
        naive(text, " 0A ").filter((l) => l !== "" || text === ""),
        name,
      );
    }
    // A line longer than the buffer never matches; the lines around it still do.
    const f = join(dir, "long");
    writeFileSync(f, `a 0A 1\n${"z 0A ".repeat(30_000)}\nb 0A 2\n`);
    assert.deepEqual(grepLines(f, " 0A "), ["a 0A 1", "b 0A 2"]);
    assert.throws(() => grepLines(join(dir, "missing"), "x"), { code: "ENOENT" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("environWith finds a process by a whole NAME=value entry of its environment, only for the given owner", async (t) => {
  const id = "0123456789abcdef";
  const spawnSleeper = (env: Record<string, string>) => {
    const c = spawn("sleep", ["60"], { env, stdio: "ignore" });
    t.after(() => c.kill("SIGKILL"));
    return c.pid as number;
  };
  const first = spawnSleeper({ JLR_MARK: id, PATH: "/usr/bin:/bin" });
  const last = spawnSleeper({ PATH: "/usr/bin:/bin", LONG: "x".repeat(70_000), JLR_MARK: id });
  const decoy = spawnSleeper({ XJLR_MARK: id, OTHER: `JLR_MARK=${id}0`, PATH: "/usr/bin:/bin" });
  const uid = process.getuid?.();
  // The child's environ is its own only once it has exec'd: wait for that.
  for (const pid of [first, last, decoy])
    while (!readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep"))
      await new Promise((r) => setTimeout(r, 5));
  assert.ok(environWith(first, `JLR_MARK=${id}`, uid)?.includes(`JLR_MARK=${id}\0`));
  assert.ok(environWith(last, `JLR_MARK=${id}`, uid), "an entry after 64 KiB of environment");
  assert.equal(environWith(decoy, `JLR_MARK=${id}`, uid), null);
  assert.ok(environWith(first, `JLR_MARK=${id}`, undefined));
  if (uid !== undefined) assert.equal(environWith(first, `JLR_MARK=${id}`, uid + 1), null);
  assert.throws(() => environWith(2 ** 22 + 1, "A=b", uid), { code: "ENOENT" });
});
