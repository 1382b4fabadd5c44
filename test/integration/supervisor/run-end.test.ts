// Integration tests for the end of a stop in src/supervisor/run-end.ts (firstEnd): real processes, their /proc entries.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { identify } from "../../../src/io/process-identity.js";
import { firstEnd } from "../../../src/supervisor/run-end.js";
import { killTree, waitFor } from "../../helpers/cli.js";

const never = new Promise<never>(() => {});

/** A process that ran, and is gone (reaped): its identity. */
async function goneProcess(t: { after: (fn: () => unknown) => void }) {
  const child = spawn("sleep", ["300"], { stdio: "ignore" });
  const reaped = new Promise((r) => child.once("exit", r));
  // Killed by its PID only while it is ours, not reaped (a reaped PID may be another process's by then).
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) killTree(child.pid);
  });
  const id = await waitFor("the child's /proc entry", () => identify(child.pid as number), 10_000);
  child.kill("SIGKILL");
  await reaped;
  return id;
}

test("an adopted Jupyter found gone ends a stop's wait at once, without its poll's report", async (t) => {
  const id = await goneProcess(t);
  // The poll of adopted() would report only later: here never (the test's bound says it waited for it).
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<string>((r) => {
    timer = setTimeout(() => r("still waiting after 10 s"), 10_000);
  });
  t.after(() => clearTimeout(timer));
  const ended = await Promise.race([firstEnd({ identity: id, exited: never, adopted: true }), bound]);
  assert.deepEqual(ended, { code: null, signal: null });
});

test("the keeper's child found gone still waits for the keeper's report, which carries its status", async (t) => {
  const id = await goneProcess(t);
  let report!: (e: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (report = r));
  const ended = firstEnd({ identity: id, exited });
  let settled = false;
  void ended.then(() => (settled = true));
  // The watch's first read finds the process gone (no timer involved): once the pending callbacks ran, it waits on the
  // report.
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "ended before the keeper's report");
  report({ code: 0, signal: null });
  assert.deepEqual(await ended, { code: 0, signal: null });
});
