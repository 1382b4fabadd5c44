// Kernels outlive a crashed, hung or restarted Jupyter and are re-adopted by the next one (real Jupyter, both flavours).
// The kernel is driven through Jupyter's kernel websocket, as a browser tab does (test/fixtures/kernel-ws.py).
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, alive, freePort, httpStatus, runCli, sandbox, waitFor, type Sandbox } from "../helpers/cli.js";
import { debian, flavourArgs, flavours } from "../helpers/flavours.js";
import { status } from "../helpers/jupyter.js";
import { loginCookie, withCookie } from "../helpers/login.js";
import { runWithKernelUnderSubreaper } from "../helpers/subreaper.js";
import {
  deleteKernel,
  environOf,
  executionState,
  kernelAction,
  kernelIds,
  kernelPid,
  newKernel,
  runCode,
  zombieChildren,
} from "../helpers/kernels.js";

type T = { after: (fn: () => unknown) => void };

async function startInstance(t: T, args: string[]): Promise<{ sb: Sandbox; port: number; token: string }> {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const r = await runCli(["start", "--port", String(port), "--root-dir", sb.dir, ...args], sb.env, {
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return { sb, port, token: (await status(sb)).token };
}

/** Wait until a Jupyter other than `before` is running and has listed `kernel` again. */
async function recovered(sb: Sandbox, before: number, port: number, token: string, kernel: string) {
  const s = await waitFor(
    "a new Jupyter",
    async () => {
      const x = await status(sb);
      return x.state === "running" && x.jupyterPid !== before ? x : null;
    },
    60_000,
  );
  const ids = await waitFor(
    "kernel listed",
    async () => {
      const l = await kernelIds(port, token);
      return l?.includes(kernel) ? l : null;
    },
    10_000,
  );
  return { s, ids };
}

async function keeperPid(sb: Sandbox): Promise<number> {
  const rec = JSON.parse(readFileSync(`${sb.stateDir()}/state.json`, "utf8")) as { keepers: { pid: number }[] };
  assert.ok(rec.keepers.length >= 1, "no keeper recorded");
  return (rec.keepers[0] as { pid: number }).pid;
}

for (const f of flavours) {
  test(`${f.id}: a kernel survives SIGKILL, a hang (SIGSTOP) and restart of Jupyter: same id, same PID, x + 1 is 42 through the same URL`, {
    skip: f.skip,
    timeout: 240_000,
  }, async (t) => {
    const { sb, port, token } = await startInstance(t, [
      ...flavourArgs(f),
      "--health-interval",
      "1",
      "--health-retries",
      "2",
    ]);
    const first = await status(sb);
    assert.deepEqual(first.kernelAdoption, { supported: true, reason: null, at: null, adopted: [], failed: [] });
    const id = await newKernel(port, token);
    assert.deepEqual(await runCode(port, token, id, "x = 41"), { status: "ok", text: "" });
    const pid = await waitFor("kernel pid", () => kernelPid(id));
    const env = environOf(pid);
    assert.equal(env.PYTHONPATH, undefined, "the extension's PYTHONPATH leaked into the kernel");
    assert.equal(env.JPY_PARENT_PID, "-1");
    const faults: [string, (s: Awaited<ReturnType<typeof status>>) => Promise<void>][] = [
      [
        "SIGKILL",
        async (s) => {
          process.kill(s.jupyterPid, "SIGKILL");
        },
      ],
      [
        "SIGSTOP",
        async (s) => {
          process.kill(s.jupyterPid, "SIGSTOP");
        },
      ],
      [
        "restart",
        async () => {
          const r = await runCli(["restart"], sb.env, { timeoutMs: 90_000 });
          assert.equal(r.code, 0, r.stderr);
        },
      ],
    ];
    for (const [fault, cause] of faults) {
      const before = await status(sb);
      await cause(before);
      const { s } = await recovered(sb, before.jupyterPid, port, token, id);
      assert.equal(kernelPid(id), pid, `${fault}: the kernel process changed`);
      assert.deepEqual(await runCode(port, token, id, "x + 1"), { status: "ok", text: "42" }, fault);
      const k = s.kernelAdoption as { adopted: { id: string; pid: number }[]; failed: unknown[]; at: string | null };
      assert.deepEqual(k.adopted, [{ id, pid }], fault);
      assert.deepEqual(k.failed, [], fault);
      assert.equal(s.url, first.url, `${fault}: the URL changed`);
    }
    // New credentials (what jllocal asks for when another user took a tab's local port): the kernel is kept too.
    const before = await status(sb);
    const cookie = await loginCookie(port, token);
    assert.equal(await withCookie(port, cookie), 200);
    const renew = await runCli(["restart", "--new-credentials"], sb.env, { timeoutMs: 90_000 });
    assert.equal(renew.code, 0, renew.stderr);
    const renewed = await status(sb);
    assert.notEqual(renewed.token, token);
    assert.equal(renew.stdout.trim(), renewed.url);
    await recovered(sb, before.jupyterPid, port, renewed.token, id);
    assert.equal(kernelPid(id), pid, "new credentials: the kernel process changed");
    assert.deepEqual(await runCode(port, renewed.token, id, "x + 1"), { status: "ok", text: "42" });
    const old = { Authorization: `token ${token}` };
    assert.equal(await httpStatus(`http://127.0.0.1:${port}/api/kernels`, old), 403, "the old token opens it");
    assert.equal(await withCookie(port, cookie), 403, "the old login cookie opens it");
    const logs = await runCli(["logs", "-n", "200"], sb.env);
    assert.match(logs.stdout, /re-adopted 1 of 1 kernel\(s\)/);
    const keeper = await keeperPid(sb);
    const stop = await runCli(["stop"], sb.env, { timeoutMs: 60_000 });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(alive(pid), false, "stop left the adopted kernel running");
    assert.equal(alive(keeper), false, "stop left the keeper running");
  });

  test(`${f.id}: adopted kernels shut down again and again leave no zombie behind`, {
    skip: f.skip,
    timeout: 240_000,
  }, async (t) => {
    const { sb, port, token } = await startInstance(t, flavourArgs(f));
    const keeper = await keeperPid(sb);
    for (let round = 0; round < 3; round += 1) {
      const id = await newKernel(port, token);
      const pid = await waitFor("kernel pid", () => kernelPid(id));
      const before = await status(sb);
      process.kill(before.jupyterPid, "SIGKILL");
      await recovered(sb, before.jupyterPid, port, token, id);
      assert.equal(kernelPid(id), pid);
      assert.equal(await deleteKernel(port, token, id), 204);
      await waitFor(`kernel ${pid} gone`, () => !alive(pid), 15_000);
      await waitFor("no zombie under the keeper", () => zombieChildren(keeper).length === 0, 5000);
    }
    assert.deepEqual(await kernelIds(port, token), []);
  });
}

for (const f of flavours) {
  test(`${f.id}: a kernel busy in a cell during the crash answers soon after the reconnect; interrupt and restart work through the new server`, {
    skip: f.skip,
    timeout: 240_000,
  }, async (t) => {
    const { sb, port, token } = await startInstance(t, flavourArgs(f));
    const id = await newKernel(port, token);
    const pid = await waitFor("kernel pid", () => kernelPid(id));
    const keeper = await keeperPid(sb);
    // Each long cell first creates a marker file: proof that it runs (a "busy" state may come from a kernel_info).
    const marker = (n: string) => `${sb.dir}/${n}`;
    // The first cell runs until the test creates the file "go" (after the crash and the checks on the busy kernel).
    const cut = runCode(
      port,
      token,
      id,
      `import os, time\nopen(${JSON.stringify(marker("m1"))}, "w").close()\nwhile not os.path.exists(${JSON.stringify(marker("go"))}): time.sleep(0.05)\nx = 41`,
    ).catch(() => null);
    await waitFor("the first cell running", () => existsSync(marker("m1")), 30_000);
    const before = await status(sb);
    process.kill(before.jupyterPid, "SIGKILL");
    await cut;
    await recovered(sb, before.jupyterPid, port, token, id);
    // A tab's websocket must not wait for a kernel_info reply from the busy shell (up to 60 s): it is asked on control.
    const t0 = Date.now();
    assert.deepEqual(await runCode(port, token, id, ""), { status: "connected", text: "" });
    assert.ok(Date.now() - t0 < 8000, `connecting to the busy kernel took ${Date.now() - t0} ms`);
    assert.equal(await executionState(port, token, id), "busy");
    writeFileSync(marker("go"), "");
    assert.deepEqual(await runCode(port, token, id, "x + 1"), { status: "ok", text: "42" });
    const long = runCode(
      port,
      token,
      id,
      `import time\nopen(${JSON.stringify(marker("m2"))}, "w").close()\ntime.sleep(120)`,
    );
    await waitFor("the long cell running", () => existsSync(marker("m2")), 30_000);
    assert.equal(await kernelAction(port, token, id, "interrupt"), 204);
    const interrupted = await long;
    assert.equal(interrupted.status, "error");
    assert.match(interrupted.text, /KeyboardInterrupt/);
    assert.equal(kernelPid(id), pid);
    assert.equal(await kernelAction(port, token, id, "restart"), 200);
    const fresh = await waitFor(
      "a new kernel process",
      () => {
        const p = kernelPid(id);
        return p !== null && p !== pid ? p : null;
      },
      30_000,
    );
    assert.ok(fresh > 0);
    await waitFor(
      "the adopted process gone, no zombie",
      () => !alive(pid) && zombieChildren(keeper).length === 0,
      10_000,
    );
    assert.match((await runCode(port, token, id, "x")).text, /NameError/);
  });
}

test("a Jupyter adopted after a supervisor SIGKILL crashes later: its kernel is kept and re-adopted; stop ends it and the old keeper", {
  skip: flavours[1]?.skip,
  timeout: 180_000,
}, async (t) => {
  const f = flavours[1] ?? debian;
  const { sb, port, token } = await startInstance(t, flavourArgs(f));
  const id = await newKernel(port, token);
  assert.equal((await runCode(port, token, id, "x = 41")).status, "ok");
  const pid = await waitFor("kernel pid", () => kernelPid(id));
  const s = await status(sb);
  const oldKeeper = await keeperPid(sb);
  process.kill(s.supervisorPid, "SIGKILL");
  await waitFor("supervisor gone", () => !alive(s.supervisorPid));
  const r = await runCli(["start", ...flavourArgs(f)], sb.env, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const adopting = await status(sb);
  assert.equal(adopting.jupyterPid, s.jupyterPid);
  process.kill(s.jupyterPid, "SIGKILL");
  await recovered(sb, s.jupyterPid, port, token, id);
  assert.equal(kernelPid(id), pid);
  assert.deepEqual(await runCode(port, token, id, "x + 1"), { status: "ok", text: "42" });
  assert.equal((await runCli(["stop"], sb.env, { timeoutMs: 60_000 })).code, 0);
  assert.equal(alive(pid), false);
  await waitFor("old keeper gone", () => !alive(oldKeeper), 5000);
});

test("a kernel whose Jupyter never comes back (give-up) is stopped by the supervisor", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const { sb, port, token } = await startInstance(t, [...flavourArgs(debian), "--max-restarts", "0"]);
  const id = await newKernel(port, token);
  const pid = await waitFor("kernel pid", () => kernelPid(id));
  const s = await status(sb);
  const keeper = await keeperPid(sb);
  process.kill(s.jupyterPid, "SIGKILL");
  await waitFor("failed", async () => (await status(sb)).state === "failed", 30_000);
  await waitFor("supervisor gone", () => !alive(s.supervisorPid), 10_000);
  assert.equal(alive(pid), false, "the kernel outlived the supervisor's give-up");
  await waitFor("keeper gone", () => !alive(keeper), 5000);
});

test("notebook 6 (no jupyter_server extensions): status says kernels end with Jupyter and there is no browser UI; a kernel 0.5 s old when Jupyter is SIGKILLed is killed by jlremote before the restart", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  // Under a child subreaper (as under systemd --user) the orphaned kernel lives on unless jlremote kills it: under
  // init, Debian's ipykernel 6.17 exits by itself once its parent is gone.
  const { sb, s, kernel } = await runWithKernelUnderSubreaper(t, { ...debian, id: "notebook6", app: "notebook" });
  const k = s.kernelAdoption as { supported: boolean; reason: string };
  assert.equal(k.supported, false);
  assert.match(k.reason, /did not load jlremote's extension/);
  const text = await runCli(["status"], sb.env);
  assert.match(text.stdout, /kernels: +end with Jupyter/);
  // No browser UI either (jlremote's lab extension needs its server side): status says so.
  assert.equal((s as { browserUi?: { available: boolean } }).browserUi?.available, false);
  assert.match(text.stdout, /browser ui: +none \(.*notebook 6/);
  // No snapshot to wait for: the kernel carries the instance's marker from its first instruction.
  await new Promise((r) => setTimeout(r, 500));
  process.kill(s.jupyterPid, "SIGKILL");
  await waitFor(
    "a new Jupyter",
    async () => {
      const x = await status(sb);
      return x.state === "running" && x.jupyterPid !== s.jupyterPid;
    },
    60_000,
  );
  await waitFor("kernel killed", () => !alive(kernel), 10_000);
  assert.match(readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"), /killed 1 orphaned kernels/);
  assert.equal(await httpStatus(s.url), 200);
});

test("a kernel whose connection file was replaced (symlink, FIFO, foreign owner, open mode, oversized) is not adopted: the reason is in status, and it goes with its children", {
  skip: process.getuid?.() !== 0 && "chown to another uid needs root",
  timeout: 300_000,
}, async (t) => {
  const { spawnSync } = await import("node:child_process");
  const fs = await import("node:fs");
  const { sb, port, token } = await startInstance(t, flavourArgs(debian));
  const plants: [string, (cf: string) => void, RegExp][] = [
    [
      "symlink",
      (cf) => {
        fs.renameSync(cf, `${cf}.real`);
        fs.symlinkSync(`${cf}.real`, cf);
      },
      /symbolic link/,
    ],
    [
      "fifo",
      (cf) => {
        fs.unlinkSync(cf);
        assert.equal(spawnSync("mkfifo", ["-m", "0600", cf]).status, 0);
      },
      /not a regular file/,
    ],
    ["foreign", (cf) => fs.chownSync(cf, 65534, 65534), /belongs to uid 65534/],
    ["mode", (cf) => fs.chmodSync(cf, 0o644), /open to group or others/],
    ["oversized", (cf) => fs.appendFileSync(cf, " ".repeat(100_000)), /too large/],
  ];
  for (const [what, plant, reason] of plants) {
    const id = await newKernel(port, token);
    const out = await runCode(port, token, id, "import subprocess; p = subprocess.Popen(['sleep', '1000']); p.pid");
    const child = Number(out.text);
    assert.ok(child > 0 && alive(child), `${what}: the kernel's child runs (${out.text})`);
    const pid = await waitFor("kernel pid", () => kernelPid(id));
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const cf = cmd.find((a) => a.endsWith(`kernel-${id}.json`)) as string;
    plant(cf);
    const s = await status(sb);
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "a new Jupyter",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      60_000,
    );
    const failed = (back.kernelAdoption as { failed: { id: string; reason: string }[] }).failed;
    assert.match(failed.find((f) => f.id === id)?.reason ?? "", reason, `${what}: ${JSON.stringify(failed)}`);
    await waitFor(`${what}: the kernel and its child are gone`, () => !alive(pid) && !alive(child), 10_000);
    const text = await runCli(["status"], sb.env);
    assert.match(text.stdout, new RegExp(`lost: ${id} \\(`), what);
  }
});
