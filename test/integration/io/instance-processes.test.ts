import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { findInstanceProcesses } from "../../../src/io/instance-processes.js";
import { identify, readProcStat } from "../../../src/io/process-identity.js";
import { descendantsOf, firstLine, killPid, waitFor } from "../../helpers/cli.js";
import { cmdline } from "../../helpers/jupyter.js";

test("the scan finds every process carrying the marker, classifies it, and names a kernel's connection file", async (t) => {
  const id = randomBytes(16).toString("hex");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", JLREMOTE_INSTANCE: id };
  const other = spawn("sleep", ["300"], {
    env: { ...env, JLREMOTE_INSTANCE: randomBytes(16).toString("hex") },
    stdio: "ignore",
  });
  const kernel = spawn(
    "/usr/bin/python3",
    ["-c", "import time; time.sleep(300)", "-f", "/run/user/0/jupyter/runtime/kernel-7e1.json"],
    { env, stdio: "ignore" },
  );
  const shell = spawn("sh", ["-c", "sleep 300 & setsid sleep 301 & echo $! ; wait"], {
    env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  t.after(() => {
    // Also the shell's own children (found by the marker, by PID).
    for (const p of findInstanceProcesses(id)) killPid(p.identity.pid);
    for (const c of [other, kernel, shell]) killPid(c.pid);
  });
  const detachedPid = Number(await firstLine(shell.stdout, 30_000));
  t.after(() => killPid(detachedPid));
  // The shell's two children in their final shape first: both `sleep` (exec'd), the second in its own session (a scan
  // while it was still a forked shell, before setsid, saw a third "child"; a loaded machine did).
  await waitFor("the shell's children exec'd, one in its own session", () => {
    const kids = descendantsOf(shell.pid as number);
    return (
      kids.length === 2 &&
      kids.every((k) => cmdline(k).startsWith("sleep ")) &&
      readProcStat(detachedPid)?.sid === detachedPid
    );
  });
  const found = findInstanceProcesses(id);
  assert.equal(found.length, 4, JSON.stringify(found));
  const kind = (pid: number | undefined) => found.find((p) => p.identity.pid === pid)?.kind;
  assert.equal(kind(kernel.pid), "kernel");
  assert.equal(
    found.find((p) => p.identity.pid === kernel.pid)?.connectionFile,
    "/run/user/0/jupyter/runtime/kernel-7e1.json",
  );
  assert.equal(kind(shell.pid), "child");
  assert.equal(kind(detachedPid), "detached");
  assert.equal(found.filter((p) => p.kind === "child").length, 2, "sh and its plain sleep");
  assert.equal(kind(other.pid), undefined, "another instance's process");
  assert.equal(kind(process.pid), undefined);
  // Every entry is identity-checked: PID and start time as /proc says now.
  for (const p of found) assert.deepEqual(p.identity, identify(p.identity.pid));
  // The recorded Jupyter (identity-checked) is classified as such.
  const asJupyter = findInstanceProcesses(id, { jupyter: identify(shell.pid as number) });
  assert.equal(asJupyter.find((p) => p.identity.pid === shell.pid)?.kind, "jupyter");
});

test("a malformed instance id finds nothing (never a pattern that matches everything)", () => {
  assert.deepEqual(findInstanceProcesses(""), []);
  assert.deepEqual(findInstanceProcesses("x\0"), []);
});
