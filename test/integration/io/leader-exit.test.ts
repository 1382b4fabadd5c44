import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { leaderExit } from "../../../src/io/leader-exit.js";
import { identify } from "../../../src/io/process-identity.js";
import { firstLine, killTree, waitFor } from "../../helpers/cli.js";

/** A child of an exec'd sleep (which never reaps it): once it ends it stays a zombie with its status. */
async function unreapedChild(t: { after: (fn: () => unknown) => void }, command: string) {
  const parent = spawn("sh", ["-c", `${command} & echo $!; exec sleep 300`], { stdio: ["ignore", "pipe", "ignore"] });
  t.after(() => killTree(parent.pid));
  const pid = Number(await firstLine(parent.stdout, 10_000));
  // Until the shell has exec'd sleep it may still reap the child itself (then there is no zombie to read).
  await waitFor("the parent shell to exec sleep", () => {
    try {
      return readFileSync(`/proc/${parent.pid}/comm`, "utf8").trim() === "sleep";
    } catch {
      return false;
    }
  });
  const id = identify(pid);
  assert.ok(id, `the child ${pid} runs`);
  return id;
}

const never = new Promise<never>(() => {});

test("a zombie's exit code is read from /proc before anyone reaps it", async (t) => {
  // It exits with 3 once told by a file (a signal could come before a trap is set); bounded at 30 s.
  const dir = mkdtempSync(join(tmpdir(), "jlr-leader-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const go = join(dir, "go");
  const id = await unreapedChild(
    t,
    `sh -c 'i=0; while [ ! -e ${go} ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done; exit 3'`,
  );
  const ended = leaderExit(id, never);
  writeFileSync(go, "");
  assert.deepEqual(await ended, { code: 3, signal: null });
});

test("a zombie killed by a signal gives the signal's name", async (t) => {
  const id = await unreapedChild(t, "sleep 300");
  const ended = leaderExit(id, never);
  process.kill(id.pid, "SIGTERM");
  assert.deepEqual(await ended, { code: null, signal: "SIGTERM" });
});

test("the watch ends with null once the parent's report came (`until` settled), or for another process", async (t) => {
  const id = await unreapedChild(t, "sleep 300");
  let report!: () => void;
  const until = new Promise<void>((r) => (report = r));
  const ended = leaderExit(id, until);
  report();
  assert.equal(await ended, null);
  assert.equal(await leaderExit({ ...id, startTime: id.startTime + 1 }, never), null);
});

test("with no fast period (every 20 ms from the first read) the watch still sees the end", async (t) => {
  const id = await unreapedChild(t, "sleep 300");
  const ended = leaderExit(id, never, 2, 0, 20);
  process.kill(id.pid, "SIGKILL");
  assert.deepEqual(await ended, { code: null, signal: "SIGKILL" });
});
