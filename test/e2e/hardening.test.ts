// End-to-end faults caused for real: PID reuse, another host, supervisor SIGKILL, orphan kernels, hangs, bad state.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { flavourArgs, flavours, debian, type Flavour } from "../helpers/flavours.js";
import { CLI, alive, freePort, httpStatus, killPid, killRecorded, runCli, sandbox, waitFor, type Sandbox } from "../helpers/cli.js";
import { startKernel, status, waitRecordedChild } from "../helpers/jupyter.js";

const subreaper = resolve(import.meta.dirname, "../fixtures/subreaper.py");

async function startServer(t: { after: (fn: () => unknown) => void }, extra: string[] = [], sb = sandbox(), f: Flavour = debian): Promise<{ sb: Sandbox; s: Awaited<ReturnType<typeof status>> }> {
  t.after(() => sb.cleanup());
  const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort()), ...extra], sb.env);
  assert.equal(r.code, 0, r.stderr);
  return { sb, s: await status(sb) };
}

function sleeper(t: { after: (fn: () => unknown) => void }): number {
  const c = spawn("sleep", ["300"], { stdio: "ignore" });
  t.after(() => killPid(c.pid));
  return c.pid as number;
}

test("PIDs reused by unrelated processes: status says not running, stop signals nothing, start starts fresh", async (t) => {
  const { sb, s } = await startServer(t);
  assert.equal((await runCli(["stop"], sb.env)).code, 0);
  const file = `${sb.stateDir()}/state.json`;
  const rec = JSON.parse(readFileSync(file, "utf8"));
  const [a, b] = [sleeper(t), sleeper(t)];
  // Same PIDs as recorded processes would have, but other processes: the start times cannot match.
  rec.state = "running";
  rec.supervisor = { ...s, pid: a, startTime: 1, host: rec.host, bootId: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() };
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

test("a state written on another host is reported as there (exit 4) and never signalled from here", { skip: process.getuid?.() !== 0 && "unshare --uts needs root" }, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const r = spawnSync("unshare", ["--uts", "sh", "-c", `hostname othernode && exec "${process.execPath}" "${CLI}" start --app server --port ${port}`], { env: sb.env, encoding: "utf8", timeout: 60_000 });
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

test("a damaged state.json: status exits 3 with a clear message, start recovers", async (t) => {
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

test("a too-open state dir is tightened to 0700 with a note; one owned by another user is refused", { skip: process.getuid?.() !== 0 && "chown to another user needs root" }, async (t) => {
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

test("with the state disk full the supervisor keeps Jupyter running and the last good state.json stays", { skip: process.getuid?.() !== 0 && "needs root to mount a tmpfs" }, async (t) => {
  const sb = sandbox();
  const mnt = `${sb.dir}/state`;
  mkdirSync(mnt, { recursive: true });
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mnt]).status !== 0) return t.skip("cannot mount tmpfs here");
  t.after(async () => {
    killRecorded(`${mnt}/jlremote`);
    spawnSync("umount", ["-l", mnt]);
    await sb.cleanup();
  });
  const r = await runCli(["start", "--app", "server", "--port", String(await freePort())], sb.env);
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  const before = readFileSync(`${sb.stateDir()}/state.json`, "utf8");
  // Fill the disk: dd stops with ENOSPC.
  spawnSync("dd", ["if=/dev/zero", `of=${mnt}/filler`, "bs=64k"], { stdio: "ignore" });
  process.kill(s.jupyterPid, "SIGKILL");
  // The restarted Jupyter answers on the same URL although nothing could be recorded.
  await waitFor("Jupyter answering again", async () => (await httpStatus(s.url)) === 200, 20_000);
  assert.ok(alive(s.supervisorPid));
  assert.equal(readFileSync(`${sb.stateDir()}/state.json`, "utf8"), before);
  JSON.parse(before);
});

/** `jlremote run` under a child subreaper (as under systemd --user) with a kernel the supervisor has recorded. */
async function runWithKernelUnderSubreaper(t: { after: (fn: () => unknown) => void }, f: Flavour) {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  const port = await freePort();
  const wrapper = spawn(subreaper, [process.execPath, CLI, "run", ...flavourArgs(f), "--port", String(port)], { env: sb.env, stdio: "ignore" });
  t.after(() => killPid(wrapper.pid));
  const s = await waitFor("running", async () => { try { const x = await status(sb); return x.state === "running" ? x : null; } catch { return null; } }, 60_000);
  const kernel = await startKernel(port, s.token, s.jupyterPid);
  t.after(() => killPid(kernel));
  await waitRecordedChild(sb, kernel);
  // ipykernel 7 (JupyterLab's venv) exits by itself once its parent is gone (its parent poller); a stopped kernel
  // stands for one that cannot (stuck in C code), so the orphan is there for jlremote to find with both flavours.
  process.kill(kernel, "SIGSTOP");
  return { sb, s, kernel };
}

for (const f of flavours) {
describe(`adoption, orphan kernels and crash recovery with ${f.id}`, { skip: f.skip }, () => {
  test("supervisor SIGKILLed: Jupyter and its kernel live on, status says unsupervised, start adopts, a later crash is restarted", async (t) => {
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
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor("restart after adoption", async () => {
      const x = await status(sb);
      return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
    }, 60_000);
    assert.equal(back.url, s.url);
    assert.ok(back.restarts >= 1);
    assert.equal(await httpStatus(s.url), 200);
  });

  test("kernels orphaned by a SIGKILLed Jupyter under a child subreaper are killed before the restart", async (t) => {
    const { sb, s, kernel } = await runWithKernelUnderSubreaper(t, f);
    process.kill(s.jupyterPid, "SIGKILL");
    await waitFor("restart", async () => { const x = await status(sb); return x.state === "running" && x.jupyterPid !== s.jupyterPid; }, 60_000);
    await waitFor("orphan kernel gone", () => !alive(kernel), 5000);
    assert.equal(await httpStatus(s.url), 200);
    const log = readFileSync(`${sb.stateDir()}/supervisor.log`, "utf8");
    assert.match(log, /killed orphaned kernels/);
  });

  test("a hung Jupyter (SIGSTOP) is detected by the health probe and restarted; the status says why", async (t) => {
    const { sb, s } = await startServer(t, ["--health-interval", "0.3", "--health-retries", "2", "--stop-timeout", "1"], sandbox(), f);
    process.kill(s.jupyterPid, "SIGSTOP");
    t.after(() => killPid(s.jupyterPid));
    const back = await waitFor("restart of the hung Jupyter", async () => {
      const x = await status(sb);
      return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
    }, 60_000);
    assert.match(back.lastExit?.reason ?? "", /not answering/);
    assert.equal(alive(s.jupyterPid), false);
    assert.equal(await httpStatus(back.url), 200);
  });

  test("stop after supervisor and Jupyter were both SIGKILLed kills the kernels they orphaned (identity-checked)", async (t) => {
    // Under the subreaper the kernel outlives its server instead of dying with it.
    const { sb, s, kernel } = await runWithKernelUnderSubreaper(t, f);
    process.kill(s.supervisorPid, "SIGKILL");
    process.kill(s.jupyterPid, "SIGKILL");
    await waitFor("supervisor and Jupyter gone", () => !alive(s.supervisorPid) && !alive(s.jupyterPid));
    assert.ok(alive(kernel), "the kernel should have survived as an orphan");
    const stop = await runCli(["stop"], sb.env);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /killed [1-9]\d* orphaned kernel process/);
    await waitFor("orphan kernel gone", () => !alive(kernel), 5000);
  });

  test("after supervisor and Jupyter were both SIGKILLed, start comes back on the same URL; a clean stop gives a new token", async (t) => {
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
});
}
