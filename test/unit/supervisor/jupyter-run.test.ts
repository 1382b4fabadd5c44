import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import pino from "pino";
import { watchJupyter, type WatchedJupyter } from "../../../src/supervisor/jupyter-run.js";
import { Wakeup } from "../../../src/supervisor/wakeup.js";

// --expose-gc for this process (node:test gives no per-file flags): a precise heap figure needs a full collection.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const log = pino({ enabled: false });
const self = { pid: process.pid, startTime: 0, host: "", bootId: "" };
/** A Jupyter that never exits (the case that leaked: a race against a promise that never settles). */
const forever = (): WatchedJupyter => ({ identity: self, exited: new Promise(() => {}) });
const gate = () => ({ ok: true as const, endpoint: { port: 1 }, baseUrl: "/" });
const opts = { gate, token: "t", readyTimeoutMs: 60_000, healthRetries: 3, onReady: () => {}, log };
/** A test probe behind Jupyter's authentication: a request without the token is refused (403), as a real server does. */
const authed = (p: () => Promise<number>) => async (_e: unknown, token: string | null) => (token === null ? 403 : p());

test("100,000 watch-loop iterations with tiny intervals retain nothing: heap growth stays under 1 MB", async () => {
  const wake = new Wakeup();
  let probes = 0;
  let chores = 0;
  let heapBefore = 0;
  const probe = async () => {
    probes += 1;
    if (probes === 2000) {
      gc();
      heapBefore = process.memoryUsage().heapUsed;
    }
    if (probes >= 102_000) wake.fire("stop");
    return 200;
  };
  const end = await watchJupyter(forever(), wake, {
    ...opts,
    healthIntervalMs: 0,
    probe: authed(probe),
    housekeeping: {
      everyMs: 0,
      run: () => {
        chores += 1;
      },
    },
  });
  assert.equal(end.why, "stop");
  assert.ok(chores >= 100_000, `housekeeping ran ${chores} times`);
  gc();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(growth < 1024 * 1024, `heap grew by ${growth} bytes over ${probes - 2000} iterations`);
});

test("a wall-clock step forward during the readiness wait fakes no timeout (monotonic clock)", async (t) => {
  const realNow = Date.now;
  t.after(() => {
    Date.now = realNow;
  });
  const wake = new Wakeup();
  let probes = 0;
  const probe = async () => {
    probes += 1;
    if (probes === 2) Date.now = () => realNow() + 3_600_000;
    return probes < 6 ? 0 : 200;
  };
  const end = await watchJupyter(forever(), wake, {
    ...opts,
    readyTimeoutMs: 5000,
    healthIntervalMs: 1000,
    probe: authed(probe),
    onReady: () => wake.fire("stop"),
  });
  assert.equal(end.why, "stop");
  assert.notEqual(end.readyAt, null);
});

test("a wall-clock step backward does not pause the health probes (monotonic clock)", async (t) => {
  const realNow = Date.now;
  t.after(() => {
    Date.now = realNow;
  });
  const wake = new Wakeup();
  let probes = 0;
  let atStep = 0;
  const probe = async () => {
    probes += 1;
    return 200;
  };
  const run = watchJupyter(forever(), wake, {
    ...opts,
    healthIntervalMs: 5,
    probe: authed(probe),
    onReady: () => {
      Date.now = () => realNow() - 3_600_000;
      atStep = probes;
    },
  });
  const deadline = performance.now() + 5000;
  while (probes < atStep + 20 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  wake.fire("stop");
  assert.equal((await run).why, "stop");
  assert.ok(probes >= atStep + 20, `only ${probes - atStep} probes after the clock step`);
});

test("a Jupyter that stops answering counts as hung after the retries, with the reason (failed probes, process state)", async () => {
  const wake = new Wakeup();
  let probes = 0;
  const probe = async () => (++probes === 1 ? 200 : 0);
  const end = await watchJupyter(forever(), wake, {
    ...opts,
    healthIntervalMs: 1,
    healthRetries: 3,
    probe: authed(probe),
  });
  assert.equal(end.why, "hung");
  assert.match(end.detail ?? "", /3 probes failed over ~\d+ s; process state [RS] \((running|sleeping)\)/);
});

test("Jupyter's exit ends the watch at once, also in the middle of a long wait", async () => {
  const wake = new Wakeup();
  let exit: (v: { code: number | null; signal: NodeJS.Signals | null }) => void = () => {};
  const j: WatchedJupyter = {
    identity: self,
    exited: new Promise((r) => {
      exit = r;
    }),
  };
  const run = watchJupyter(j, wake, { ...opts, healthIntervalMs: 60_000, probe: authed(async () => 200) });
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  exit({ code: null, signal: "SIGKILL" });
  assert.equal((await run).why, "exit");
  assert.ok(performance.now() - t0 < 1000);
});

test("a listening poke wakes the readiness wait between probes (the poll alone would not), and the subscription ends at ready", {
  timeout: 10_000,
}, async () => {
  const wake = new Wakeup();
  let poke: (() => void) | null = null;
  let subscribed = 0;
  let listening = false;
  let firstProbe: () => void = () => {};
  const probed = new Promise<void>((r) => {
    firstProbe = r;
  });
  const probe = authed(async () => {
    firstProbe();
    poke?.(); // an info-file event while a probe is in flight: must not end the nap that follows early
    return listening ? 200 : 0;
  });
  const run = watchJupyter(forever(), wake, {
    ...opts,
    // The poll alone would probe again only after a minute (past this test's timeout): only the poke can make it.
    readyPollMs: 60_000,
    healthIntervalMs: 60_000,
    probe,
    listening: (p) => {
      subscribed += 1;
      poke = p;
      return () => {
        subscribed -= 1;
        poke = null;
      };
    },
    onReady: () => wake.fire("stop"),
  });
  await probed;
  // The first probe's answer (not listening) is in; the wait now naps. Jupyter listens and its info file appears.
  await new Promise((r) => setImmediate(r));
  listening = true;
  (poke as (() => void) | null)?.();
  assert.equal((await run).why, "stop");
  assert.equal(subscribed, 0, "the subscription ends once Jupyter is ready");
});

test("the check without the token goes out with the token's probe; an open server is refused", async () => {
  const wake = new Wakeup();
  const sent: (string | null)[] = [];
  const probe = async (_e: unknown, token: string | null) => {
    sent.push(token);
    return 200;
  };
  const end = await watchJupyter(forever(), wake, { ...opts, healthIntervalMs: 60_000, probe });
  assert.equal(end.why, "open");
  assert.deepEqual(sent, ["t", null]);
});
