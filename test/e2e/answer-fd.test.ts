// End-to-end: the answer fd of jllocal's cold line (JLREMOTE_ANSWER_FD=3, src/io/supervise-here.ts) on the built CLI:
// the exit code goes on a pipe there; fd 3 open on anything else is left alone. The supervisor that stays in that
// process is covered over a real sshd (test/e2e/jllocal.test.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, E2E_TIMEOUT_MS, runCli, sandbox } from "../helpers/cli.js";
import { debian, flavourArgs } from "../helpers/flavours.js";

/** Run `status --json` with the answer variable and `fd3` as its fd 3; its exit code and what came on a piped fd 3. */
function statusWithFd3(env: Record<string, string>, fd3: "pipe" | number): Promise<{ code: number; fd3: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "status", "--json"], {
      env: { ...env, JLREMOTE_ANSWER_FD: "3" },
      stdio: ["ignore", "ignore", "ignore", fd3],
    });
    let got = "";
    child.stdio[3]?.on("data", (b: Buffer) => {
      got += b.toString("utf8");
    });
    child.on("close", (code) => resolve({ code: code ?? -1, fd3: got }));
  });
}

test("the answer fd gets the exit code on a pipe, and a file on fd 3 is not written to", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  // Not running: status exits 3 (no start asked for), and says so on the answer fd.
  const piped = await statusWithFd3(sb.env, "pipe");
  assert.deepEqual(piped, { code: 3, fd3: "3\n" });
  const file = join(sb.dir, "fd3.txt");
  writeFileSync(file, "untouched\n");
  const fd = openSync(file, "r+");
  try {
    const r = await statusWithFd3(sb.env, fd);
    assert.equal(r.code, 3);
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(file, "utf8"), "untouched\n");
});

test("a status that starts the instance answers on a socket fd 3 and goes on supervising; no child keeps fd 3 open", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const child = spawn(process.execPath, [CLI, "status", "--json", "--name", "fd3"], {
    env: { ...sb.env, JLREMOTE_ANSWER_FD: "3", JLREMOTE_OR_START: JSON.stringify(flavourArgs(debian)) },
    stdio: ["ignore", "pipe", "ignore", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString("utf8");
  });
  let answer = "";
  child.stdio[3]?.on("data", (b: Buffer) => {
    answer += b.toString("utf8");
  });
  // fd 3 closes for its reader only when no process holds it any more: not the keeper, not Jupyter.
  await new Promise((resolve) => child.stdio[3]?.on("close", resolve));
  assert.equal(answer, "0\n");
  const st = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { state: string; supervisorPid: number };
  assert.equal(st.state, "running");
  assert.equal(st.supervisorPid, child.pid, "the supervisor runs in the status process");
  assert.equal(child.exitCode, null, "it goes on supervising");
  const stopped = await runCli(["stop", "--name", "fd3"], sb.env);
  assert.equal(stopped.code, 0, stopped.stderr);
  if (child.exitCode === null) await new Promise((resolve) => child.on("exit", resolve));
});
