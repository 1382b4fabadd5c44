// End-to-end faults caused for real: PID reuse, another host, supervisor SIGKILL, orphan kernels, hangs, bad state.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import {
  E2E_TIMEOUT_MS,
  CLI,
  alive,
  freePort,
  httpStatus,
  killPid,
  killRecorded,
  processesWithEnv,
  runCli,
  sandbox,
  waitFor,
  type Sandbox,
} from "../helpers/cli.js";
import { debian, flavourArgs, flavours, type Flavour } from "../helpers/flavours.js";
import { execInKernel, instanceId, startKernel, status } from "../helpers/jupyter.js";
import { runWithKernelUnderSubreaper } from "../helpers/subreaper.js";

async function startServer(
  t: { after: (fn: () => unknown) => void },
  extra: string[] = [],
  sb = sandbox(),
  f: Flavour = debian,
): Promise<{ sb: Sandbox; s: Awaited<ReturnType<typeof status>> }> {
  t.after(() => sb.cleanup());
  const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort()), ...extra], sb.env);
  assert.equal(r.code, 0, r.stderr);
  return { sb, s: await status(sb) };
}

/**
 * An instance of flavour `f` with one kernel whose supervisor was SIGKILLed: status says unsupervised, and a `start`
 * adopts its Jupyter (same URL, same PID). Returns the first status, the kernel's PID and the adopting status.
 */
async function adoptedAfterSupervisorKill(t: { after: (fn: () => unknown) => void }, f: Flavour) {
  const { sb, s } = await startServer(t, [], sandbox(), f);
  const kernel = await startKernel(s.port as number, s.token, s.jupyterPid);
  t.after(() => killPid(kernel));
  process.kill(s.supervisorPid, "SIGKILL");
  await waitFor("supervisor gone", () => !alive(s.supervisorPid));
  const un = await status(sb);
  assert.equal(un.state, "unsupervised");
  assert.equal(un.code, 0);
  assert.ok(alive(s.jupyterPid) && alive(kernel));
  const r = await runCli(["start", ...flavourArgs(f)], sb.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), s.url);
  const adopted = await status(sb);
  assert.equal(adopted.state, "running");
  assert.equal(adopted.jupyterPid, s.jupyterPid);
  assert.notEqual(adopted.supervisorPid, s.supervisorPid);
  assert.ok(alive(kernel), "adoption killed the kernel");
  return { sb, s, kernel, adopted };
}

function sleeper(t: { after: (fn: () => unknown) => void }): number {
  const c = spawn("sleep", ["300"], { stdio: "ignore" });
  t.after(() => killPid(c.pid));
  return c.pid as number;
}

test("PIDs reused by unrelated processes: status says not running, stop signals nothing, start starts fresh", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const { sb, s } = await startServer(t);
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
  const file = `${sb.stateDir()}/state.json`;
  const rec = JSON.parse(readFileSync(file, "utf8"));
  const [a, b] = [sleeper(t), sleeper(t)];
  // Same PIDs as recorded processes would have, but other processes: the start times cannot match.
  rec.state = "running";
  rec.supervisor = {
    ...s,
    pid: a,
    startTime: 1,
    host: rec.host,
    bootId: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(),
  };
  rec.jupyter = { ...rec.supervisor, pid: b };
  writeFileSync(file, JSON.stringify(rec));
  const st = await status(sb);
  assert.equal(st.code, 3);
  assert.equal(st.state, "failed");
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
  assert.ok(alive(a) && alive(b), "stop signalled an unrelated process");
  const again = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(again.code, 0, again.stderr);
  const fresh = await status(sb);
  assert.equal(fresh.state, "running");
  assert.notEqual(fresh.supervisorPid, a);
  assert.ok(alive(a) && alive(b));
});

test("a state written on another host is reported as there (exit 4) and never signalled from here", {
  timeout: E2E_TIMEOUT_MS,
  skip: process.getuid?.() !== 0 && "unshare --uts needs root",
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const r = spawnSync(
    "unshare",
    [
      "--uts",
      "sh",
      "-c",
      `hostname othernode && exec "${process.execPath}" "${CLI}" start --app server --port ${port}`,
    ],
    { env: sb.env, encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const st = await status(sb);
  assert.equal(st.code, 4);
  assert.equal(st.host, "othernode");
  assert.equal(st.elsewhere, true);
  assert.equal(st.state, "running");
  const stop = await runCli(["stop"], sb.env);
  assert.equal(stop.code, 4);
  assert.match(stop.stderr, /runs on host othernode/);
  const start = await runCli(["start", "--app", "server"], sb.env);
  assert.equal(start.code, 4);
  assert.match(start.stderr, /othernode/);
  assert.ok(alive(st.supervisorPid) && alive(st.jupyterPid), "a process recorded by another host was signalled");
  assert.equal(await httpStatus(st.url), 200);
});

for (const f of flavours) {
  test(`${f.id}: supervisor SIGKILLed: Jupyter and its kernel live on, status says unsupervised, start adopts, a later crash is restarted`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const { sb, s } = await adoptedAfterSupervisorKill(t, f);
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "restart after adoption",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      60_000,
    );
    assert.equal(back.url, s.url);
    assert.ok(back.restarts >= 1);
    assert.equal(await httpStatus(s.url), 200);
  });
}

for (const f of flavours) {
  test(`${f.id}: a stop of a Jupyter adopted after a supervisor SIGKILL ends it, its kernel and the supervisor, and records the stop`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const { sb, s, kernel, adopted } = await adoptedAfterSupervisorKill(t, f);
    // Its end is seen gone (a former keeper reaps it) or as a zombie, not by the adopted watch's 250 ms poll.
    const stop = await runCli(["stop"], sb.env);
    assert.equal(stop.code, 0, stop.stderr);
    for (const pid of [adopted.supervisorPid, s.jupyterPid, kernel])
      assert.equal(alive(pid), false, `pid ${pid} alive`);
    const after = await status(sb);
    assert.equal(after.state, "stopped");
    assert.equal(after.lastExit?.reason, "stop requested");
  });
}

for (const f of flavours) {
  test(`${f.id}: a kernel started 0.5 s before Jupyter is SIGKILLed under a child subreaper is re-adopted by the restarted Jupyter`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const { sb, s, kernel } = await runWithKernelUnderSubreaper(t, f);
    // No snapshot to wait for: the kernel carries the instance's marker from its first instruction.
    await new Promise((r) => setTimeout(r, 500));
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "restart",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      120_000,
    );
    assert.ok(alive(kernel), "the kernel was killed instead of re-adopted");
    assert.deepEqual(
      (back.kernelAdoption as { adopted: { pid: number }[] }).adopted.map((k) => k.pid),
      [kernel],
    );
    assert.equal(await httpStatus(s.url), 200);
  });

  test(`${f.id}: kernels of an instance whose supervisor and Jupyter both died are killed by the next stop, also after a start in between`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const { sb, s, kernel } = await runWithKernelUnderSubreaper(t, f);
    process.kill(s.supervisorPid, "SIGKILL");
    process.kill(s.jupyterPid, "SIGKILL");
    await waitFor("supervisor and Jupyter gone", () => !alive(s.supervisorPid) && !alive(s.jupyterPid));
    assert.ok(alive(kernel), "the kernel should have survived as an orphan");
    const start = await runCli(["start", ...flavourArgs(f)], sb.env, { timeoutMs: 90_000 });
    assert.equal(start.code, 0, start.stderr);
    const stop = await runCli(["stop"], sb.env);
    assert.equal(stop.code, 0, stop.stderr);
    await waitFor("orphan kernel gone", () => !alive(kernel), 5000);
  });

  test(`${f.id}: a setsid job started from inside a kernel survives a crash restart (the kernel is re-adopted) and a stop, and is reported`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const { sb, s, kernel } = await runWithKernelUnderSubreaper(t, f);
    const job = Number(
      execInKernel(kernel, 'import subprocess; p = subprocess.Popen(["setsid", "sleep", "300"]); print(p.pid)'),
    );
    t.after(() => killPid(job));
    assert.ok(job > 0 && alive(job));
    assert.match(readFileSync(`/proc/${job}/environ`, "utf8"), new RegExp(`JLREMOTE_INSTANCE=${instanceId(sb)}\0`));
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "restart",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      120_000,
    );
    assert.ok(alive(kernel), "the kernel was not kept for re-adoption");
    assert.ok(alive(job), "the detached job was killed by the crash cleanup");
    assert.equal(back.detachedProcesses, 1);
    const logs = await runCli(["logs", "-n", "50"], sb.env);
    assert.match(logs.stdout, new RegExp(`left 1 detached processes running.*${job} \\(sleep 300\\)`));
    const stop = await runCli(["stop"], sb.env);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /left 1 detached process\(es\) running/);
    assert.ok(alive(job), "stop killed the detached job");
    await waitFor("the re-adopted kernel stopped", () => !alive(kernel), 10_000);
    const after = await status(sb);
    assert.equal(after.state, "stopped");
    assert.equal(after.detachedProcesses, 1);
  });
}

test("a hung Jupyter (SIGSTOP) is detected by the health probe and restarted; the status says why", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const { sb, s } = await startServer(t, ["--health-interval", "0.3", "--health-retries", "2", "--stop-timeout", "1"]);
  process.kill(s.jupyterPid, "SIGSTOP");
  t.after(() => killPid(s.jupyterPid));
  const back = await waitFor(
    "restart of the hung Jupyter",
    async () => {
      const x = await status(sb);
      return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
    },
    120_000,
  );
  assert.match(
    back.lastExit?.reason ?? "",
    /not answering \/api\/status \(2 probes failed over ~\d+ s; process state T \(stopped\)\)/,
  );
  assert.equal(alive(s.jupyterPid), false);
  // The kill is logged with why (failed probes, the process state), and that its kernels are kept for re-adoption.
  assert.match(
    readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8"),
    /"why":"2 probes failed over ~\d+ s; process state T \(stopped\)".*counts as hung: restarting it \(its kernels are kept for the next one\)/,
  );
  assert.equal(await httpStatus(back.url), 200);
});

test("a damaged state.json: status exits 3 with a clear message, start recovers", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(`${sb.stateDir()}/state.json`, '{"schema":1,"state":"runn');
  const st = await runCli(["status"], sb.env);
  assert.equal(st.code, 3);
  assert.match(st.stderr, /damaged/);
  assert.doesNotMatch(st.stderr, /\n\s+at /);
  const r = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await status(sb)).state, "running");
});

test("a too-open state dir is tightened to 0700 with a note; one owned by another user is refused", {
  timeout: E2E_TIMEOUT_MS,
  skip: process.getuid?.() !== 0 && "chown to another user needs root",
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  mkdirSync(sb.stateDir(), { recursive: true, mode: 0o755 });
  chmodSync(sb.stateDir(), 0o755);
  const r = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /tightened to 700/);
  assert.equal(statSync(sb.stateDir()).mode & 0o777, 0o700);
  mkdirSync(sb.stateDir("theirs"), { mode: 0o700 });
  chownSync(sb.stateDir("theirs"), 65534, 65534);
  const other = await runCli(["start", "--name", "theirs", "--app", "server"], sb.env);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /belongs to uid 65534/);
});

test("with the state disk full the supervisor keeps Jupyter running and the last good state.json stays", {
  timeout: E2E_TIMEOUT_MS,
  skip: process.getuid?.() !== 0 && "needs root to mount a tmpfs",
}, async (t) => {
  const sb = sandbox();
  const mnt = `${sb.dir}/state`;
  // Registered before the mount can fail: unmounting a dir that is no mount point is harmless.
  t.after(async () => {
    killRecorded(`${mnt}/jlremote`);
    spawnSync("umount", ["-l", mnt]);
    await sb.cleanup();
  });
  mkdirSync(mnt, { recursive: true });
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mnt]).status !== 0)
    return t.skip("cannot mount tmpfs here");
  const r = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  const before = readFileSync(`${sb.stateDir()}/state.json`, "utf8");
  // Fill the disk: dd stops with ENOSPC.
  spawnSync("dd", ["if=/dev/zero", `of=${mnt}/filler`, "bs=64k"], { stdio: "ignore" });
  process.kill(s.jupyterPid, "SIGKILL");
  // The restarted Jupyter answers on the same URL although nothing could be recorded.
  await waitFor("Jupyter answering again", async () => (await httpStatus(s.url)) === 200, 120_000);
  assert.ok(alive(s.supervisorPid));
  assert.equal(readFileSync(`${sb.stateDir()}/state.json`, "utf8"), before);
  JSON.parse(before);
});

test("a state dir on a full tmpfs: start fails with the reason and leaves no process; after freeing space one start gives one Jupyter", {
  timeout: E2E_TIMEOUT_MS,
  skip: process.getuid?.() !== 0 && "needs root to mount a tmpfs",
}, async (t) => {
  const sb = sandbox();
  const mnt = `${sb.dir}/state`;
  // Registered before the mount can fail: unmounting a dir that is no mount point is harmless.
  t.after(async () => {
    for (const pid of processesWithEnv(`HOME=${sb.dir}`)) killPid(pid);
    spawnSync("umount", ["-l", mnt]);
    await sb.cleanup();
  });
  mkdirSync(mnt, { recursive: true });
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mnt]).status !== 0)
    return t.skip("cannot mount tmpfs here");
  spawnSync("dd", ["if=/dev/zero", `of=${mnt}/filler`, "bs=4k"], { stdio: "ignore" });
  const port = await freePort();
  const r = await runCli(["start", "--app", "server", "--port", String(port)], sb.env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no space left on device: .*state\.json.* \(ENOSPC\)/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  // Nothing keeps running unseen: no supervisor, no Jupyter.
  await waitFor("no process of the sandbox", () => processesWithEnv(`HOME=${sb.dir}`).length === 0, 10_000);
  rmSync(`${mnt}/filler`);
  const again = await runCli(["start", "--app", "server", "--port", String(port)], sb.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await httpStatus(again.stdout.trim()), 200);
  assert.equal(processesWithEnv(`HOME=${sb.dir}`, /bin\/jupyter[- ]server /).length, 1, "one start gives one Jupyter");
});

test("stop after supervisor and Jupyter were both SIGKILLed kills the kernels they orphaned (identity-checked)", {
  timeout: E2E_TIMEOUT_MS,
}, async (t) => {
  // Under the subreaper the kernel outlives its server instead of dying with it.
  const { sb, s, kernel } = await runWithKernelUnderSubreaper(t);
  process.kill(s.supervisorPid, "SIGKILL");
  process.kill(s.jupyterPid, "SIGKILL");
  await waitFor("supervisor and Jupyter gone", () => !alive(s.supervisorPid) && !alive(s.jupyterPid));
  assert.ok(alive(kernel), "the kernel should have survived as an orphan");
  const stop = await runCli(["stop"], sb.env);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stderr, /killed [1-9]\d* orphaned kernel process/);
  await waitFor("orphan kernel gone", () => !alive(kernel), 5000);
});

for (const f of flavours) {
  test(`${f.id}: after supervisor and Jupyter were both SIGKILLed, start comes back on the same URL; a clean stop gives a new token`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const { sb, s } = await startServer(t, [], sandbox(), f);
    process.kill(s.supervisorPid, "SIGKILL");
    process.kill(s.jupyterPid, "SIGKILL");
    await waitFor("both gone", () => !alive(s.supervisorPid) && !alive(s.jupyterPid));
    // No --port this time: the crashed instance's port is taken again while it is free.
    const again = await runCli(["start", ...flavourArgs(f)], sb.env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), s.url, "the URL (port and token) survives the crash");
    assert.equal(await httpStatus(s.url), 200);
    assert.equal((await runCli(["stop"], sb.env)).code, 0);
    const fresh = await runCli(["start", ...flavourArgs(f)], sb.env);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.notEqual(fresh.stdout.trim(), s.url);
    assert.equal(await httpStatus(fresh.stdout.trim()), 200);
  });
}
