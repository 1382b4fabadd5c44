// endSupervisor against real processes: the SIGTERM goes out, and the end is seen on the exit socket (or by polling
// without one) once the process is really gone; then what the stop reports from the state the supervisor left.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { endSupervisor, stopMessage, supervisorStopped } from "../../../../src/backends/detached/supervisor-end.js";
import type { StateRecord } from "../../../../src/core/types.js";
import { EXIT_SOCKET, watchExit } from "../../../../src/io/exit-socket.js";
import { identify, isAlive } from "../../../../src/io/process-identity.js";
import { writeState } from "../../../../src/io/state-file.js";
import { firstLine } from "../../../helpers/cli.js";

const exitSocketModule = resolve(import.meta.dirname, "../../../../src/io/exit-socket.ts");

/**
 * A stand-in supervisor: holds the exit socket in `dir` (when `hold`), exits 0 some ms after SIGTERM; with
 * `slowTeardownMs`, an 'exit' listener of its own then keeps it alive that long (as unmapping a big heap does).
 */
function fakeSupervisor(t: { after(fn: () => void): void }, dir: string, hold: boolean, slowTeardownMs = 0) {
  const script = join(dir, "fake.ts");
  writeFileSync(
    script,
    `import { holdExitSocket } from ${JSON.stringify(exitSocketModule)};
process.on("exit", () => { const end = Date.now() + ${slowTeardownMs}; while (Date.now() < end); });
if (${hold}) holdExitSocket(${JSON.stringify(join(dir, EXIT_SOCKET))});
process.on("SIGTERM", () => setTimeout(() => process.exit(0), 200));
setInterval(() => {}, 1000);
process.stdout.write("ready\\n");
`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
  t.after(() => child.kill("SIGKILL"));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, exited };
}

for (const hold of [true, false])
  test(`endSupervisor sends SIGTERM and its end is seen once the process is gone (${hold ? "on the exit socket" : "no socket: by polling"})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "jlr-end-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { child, exited } = fakeSupervisor(t, dir, hold);
    assert.equal(await firstLine(child.stdout, 20_000), "ready");
    const id = identify(child.pid as number);
    assert.ok(id);
    const end = await endSupervisor(id, dir, 5000);
    assert.equal(await end.gone, true);
    assert.equal(isAlive(id), false);
    // It exited through its SIGTERM handler: the signal was ours.
    assert.equal(await exited, 0);
  });

test("the exit socket closes at the process's exit event, before its teardown; the stop still waits until it is gone", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-end-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Its own 'exit' listener was added first and keeps it alive 1.5 s: the socket must not wait for it.
  const { child, exited } = fakeSupervisor(t, dir, true, 1500);
  assert.equal(await firstLine(child.stdout, 20_000), "ready");
  const id = identify(child.pid as number);
  assert.ok(id);
  const watch = await watchExit(join(dir, EXIT_SOCKET));
  assert.ok(watch, "the fake holds its exit socket");
  const end = await endSupervisor(id, dir, 5000);
  assert.equal(await watch.gone(10_000), true);
  assert.equal(isAlive(id), true, "closed while the process is still in its exit");
  assert.equal(await end.gone, true);
  assert.equal(isAlive(id), false);
  assert.equal(await exited, 0);
});

test("after a supervisor exited by itself, the stop reports the detached processes it recorded", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "jlr-end-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "state.json");
  assert.deepEqual(supervisorStopped(file), { killed: 0, detached: 0 });
  writeState(file, { schema: 1, name: "x", state: "stopped", detachedProcesses: 2 } as unknown as StateRecord);
  const out = supervisorStopped(file);
  assert.deepEqual(out, { killed: 0, detached: 2 });
  assert.equal(
    stopMessage("stopped 'x'", out),
    "jlremote: stopped 'x'; left 2 detached process(es) running (nohup/setsid jobs; see `jlremote logs`)",
  );
  assert.equal(stopMessage("stopped 'x'", { killed: 0, detached: 0 }), "jlremote: stopped 'x'");
});
