// End-to-end: a stopped Jupyter ends once its cleanup is done without the interpreter's heap teardown
// (python/jlremote_adopt/fast_exit.py), after doing all that Python's exit promises: non-daemon threads joined, atexit
// handlers run, stdout flushed; the stop is recorded with Jupyter's status 0, as before.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, alive, freePort, killPid, processesWithEnv, runCli, sandbox } from "../helpers/cli.js";
import { flavourArgs, flavours } from "../helpers/flavours.js";
import { instanceId, startKernel, status, writeUserConfig } from "../helpers/jupyter.js";

/**
 * A user's server config (loaded by every flavour) that leaves marks in `dir`: an atexit handler (and an unflushed
 * stdout line from it), a non-daemon thread that ends 0.2 s after the main thread, and a finalizer that runs only
 * when the interpreter tears its modules down.
 */
function userConfig(dir: string): string {
  const mark = (name: string) => JSON.stringify(join(dir, name));
  return `import atexit, os, sys, threading, time
def _at_exit():
    print("jlr-atexit-line")
    open(${mark("atexit-ran")}, "w").close()
atexit.register(_at_exit)
def _late():
    threading.main_thread().join()
    time.sleep(0.2)
    open(${mark("thread-joined")}, "w").close()
threading.Thread(target=_late, name="jlr-late").start()
class _Finalized:
    def __del__(self, _open=os.open, _close=os.close, _flags=os.O_WRONLY | os.O_CREAT):
        _close(_open(${mark("finalized")}, _flags, 0o600))
sys.modules["__main__"]._jlr_finalized = _Finalized()
`;
}

for (const f of flavours) {
  test(`${f.id}: a stopped Jupyter ends after its cleanup, threads and atexit handlers, without the interpreter's teardown`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    writeUserConfig(sb, ["jupyter_server_config.py"], userConfig(sb.dir));
    const r = await runCli(["start", ...flavourArgs(f), "--port", String(await freePort())], sb.env);
    assert.equal(r.code, 0, r.stderr);
    const s = await status(sb);
    const kernel = await startKernel(s.port as number, s.token as string, s.jupyterPid as number);
    t.after(() => killPid(kernel));
    const stop = await runCli(["stop"], sb.env);
    assert.equal(stop.code, 0, stop.stderr);
    const tree = [s.supervisorPid as number, s.jupyterPid as number, kernel];
    assert.deepEqual([...processesWithEnv(`JLREMOTE_INSTANCE=${instanceId(sb)}`), ...tree.filter(alive)], []);
    // What Python's exit promises was done, in Jupyter's process, before it ended.
    assert.ok(existsSync(join(sb.dir, "thread-joined")), "the non-daemon thread was joined");
    assert.ok(existsSync(join(sb.dir, "atexit-ran")), "the atexit handler ran");
    assert.match(readFileSync(join(sb.stateDir(), "jupyter.log"), "utf8"), /^jlr-atexit-line$/m);
    // What it does not promise was skipped: the module teardown that runs this finalizer (it does without the fast exit).
    assert.equal(existsSync(join(sb.dir, "finalized")), false, "the interpreter tore its modules down");
    const rec = JSON.parse(readFileSync(join(sb.stateDir(), "state.json"), "utf8"));
    assert.equal(rec.state, "stopped");
    assert.deepEqual(
      { code: rec.lastExit.code, signal: rec.lastExit.signal, reason: rec.lastExit.reason },
      {
        code: 0,
        signal: null,
        reason: "stop requested",
      },
    );
  });
}
