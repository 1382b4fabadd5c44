import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { finalAnswer } from "../../../src/core/remote-status.js";
import { START_MARKER } from "../../../src/core/ssh-command.js";
import { runRemote } from "../../../src/local/ssh.js";
import { killPid } from "../../helpers/cli.js";

// A remote command whose ssh lingers after its answer (its exit and the channel's close over a loaded master): a fault a
// real sshd does not make on demand, so `ssh` here is a script first on PATH that records its PID, prints, then sleeps.
// The real path (a real sshd, jllocal's cold and warm runs) is test/e2e/jllocal*.test.ts.
// `code` null: it lingers (execs `sleep 30`: the recorded PID is then the one to kill); else it exits at once with
// `code`, which no early answer would report (that one is always 0).
function fakeSsh(dir: string, stdout: string, code: number | null): void {
  const script = [
    "#!/bin/sh",
    `echo $$ > '${join(dir, "pid")}'`,
    `printf '%s' '${stdout.replaceAll("'", "'\\''")}'`,
    code === null ? "exec sleep 30" : `exit ${code}`,
  ].join("\n");
  writeFileSync(join(dir, "ssh"), `${script}\n`);
  chmodSync(join(dir, "ssh"), 0o755);
}

const running = JSON.stringify({ state: "running", name: "x", socket: "/s/jupyter.sock", token: "t0k", app: "lab" });
const stopped = JSON.stringify({ state: "stopped", name: "x", socket: null, token: null, app: "lab" });
const target = { host: "h", controlPath: "/nonexistent/cm", sshConfig: null };

async function withFake(stdout: string, code: number | null, run: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "jlr-ssh-early-"));
  const path = process.env.PATH;
  fakeSsh(dir, stdout, code);
  process.env.PATH = `${dir}:${path}`;
  try {
    await run();
  } finally {
    process.env.PATH = path;
    const pidFile = join(dir, "pid");
    if (existsSync(pidFile)) killPid(Number(readFileSync(pidFile, "utf8").trim()));
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a remote start that printed a running status is done then, not when its ssh ends", async () => {
  await withFake(`${stopped}\n${START_MARKER}\n${running}\n`, null, async () => {
    const t0 = Date.now();
    const r = await runRemote(target, "ignored", 60_000, undefined, false, finalAnswer);
    assert.ok(Date.now() - t0 < 10_000, "it waited for the lingering ssh");
    assert.equal(r.exitCode, 0);
    assert.ok(r.stdout.endsWith(`${running}\n`));
  });
});

test("without a running status (or without doneAt) the exit code is ssh's, at its end", async () => {
  // A stopped status is no final answer: start's exit code (3 here) is what counts.
  await withFake(`${stopped}\n`, 3, async () => {
    assert.equal((await runRemote(target, "ignored", 60_000, undefined, false, finalAnswer)).exitCode, 3);
  });
  // Without doneAt even a running status waits for ssh's end and its code.
  await withFake(`${running}\n`, 5, async () => {
    assert.equal((await runRemote(target, "ignored", 60_000)).exitCode, 5);
  });
});
