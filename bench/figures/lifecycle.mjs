// Figures 3-5: cold start, recovery after SIGKILL, and stop with an idle kernel, each against Jupyter by hand.
import { pollReady, spawnByHand, startIdleKernel } from "../lib/jupyter.mjs";
import { start, state, stop } from "../lib/jlremote.mjs";
import { alive, now, sleep, waitAllGone } from "../lib/proc.mjs";
import { median } from "../lib/timing.mjs";

/** Spawn Jupyter by hand, time spawn → /api/status 200; optionally start an idle kernel; then SIGTERM and wait. */
async function byHand(sb, { kernel = false, fastExit = false } = {}) {
  const j = await spawnByHand(sb, { fastExit });
  const ready = (await pollReady(j.port, j.token)) - j.t0;
  const pids = [j.pid];
  if (kernel) pids.push(await startIdleKernel(j.port, j.token, j.pid));
  // The kernel too is killed by the sandbox's cleanup should the wait fail: with jlremote's extension (fastExit) it
  // outlives its Jupyter (JPY_PARENT_PID=-1), so it is no longer found as Jupyter's descendant once Jupyter is gone.
  for (const p of pids) sb.remember(p);
  const t0 = now();
  process.kill(j.pid, "SIGTERM");
  const gone = (await waitAllGone(pids)) - t0;
  await j.exited;
  for (const p of pids) sb.forget(p);
  return { ready, stop: gone };
}

/** Figure 3: `jlremote start` (cold, until it prints the URL) vs Jupyter by hand until /api/status is 200. */
export async function coldStart(sb, rounds) {
  const a = [];
  const b = [];
  for (let i = 0; i < rounds + 1; i += 1) {
    const s = await start(sb, "bench-start");
    await stop(sb, "bench-start");
    const h = await byHand(sb);
    if (i > 0) {
      a.push(s.ms);
      b.push(h.ready);
    }
  }
  return [
    {
      id: "3",
      figure: "`start` (cold, until the URL) vs Jupyter by hand until /api/status 200",
      a: median(a),
      b: median(b),
      ratio: median(a) / median(b),
      target: 1.25,
      n: rounds,
      samples: { start: a, byHand: b },
    },
  ];
}

/**
 * Figure 4: SIGKILL Jupyter, time until the same URL answers 200 again, vs by-hand spawn-to-ready.
 * The restart policy resets only after 10 s of uptime, so several instances take turns (each killed ≥ 11 s apart).
 */
export async function recovery(sb, rounds, instances = 4) {
  const names = Array.from({ length: instances }, (_, i) => `bench-recover-${i}`);
  const readyAt = new Map();
  for (const n of names) {
    await start(sb, n);
    readyAt.set(n, Date.now());
  }
  const a = [];
  const b = [];
  for (let i = 0; i < rounds + 1; i += 1) {
    const name = names[i % instances];
    const wait = readyAt.get(name) + 11_000 - Date.now();
    if (wait > 0) await sleep(wait);
    const rec = state(sb, name);
    if (rec.state !== "running" || !rec.jupyter)
      throw new Error(`instance ${name} is ${rec.state}, not running, before the kill`);
    const t0 = now();
    process.kill(rec.jupyter.pid, "SIGKILL");
    const up = await pollReady(rec.port, rec.token, { before: () => !alive(rec.jupyter.pid) });
    readyAt.set(name, Date.now());
    const h = await byHand(sb);
    if (i > 0) {
      a.push(up - t0);
      b.push(h.ready);
    }
  }
  for (const n of names) await stop(sb, n);
  return [
    {
      id: "4",
      figure: "recovery: SIGKILL of Jupyter until the same URL answers 200 vs by-hand spawn-to-ready",
      a: median(a),
      b: median(b),
      ratio: median(a) / median(b),
      target: 1.5,
      n: rounds,
      samples: { recovery: a, byHand: b },
    },
  ];
}

/**
 * Figure 5: `jlremote stop` until every process is gone (one idle kernel) vs SIGTERM of Jupyter by hand (one idle
 * kernel). 5b, no target: the same stop vs a by-hand Jupyter that ends the way jlremote's does (its extension loaded
 * by hand: no interpreter teardown after the cleanup), i.e. what jlremote adds to that Jupyter's own shutdown.
 */
export async function stopWithKernel(sb, rounds) {
  const a = [];
  const b = [];
  const c = [];
  for (let i = 0; i < rounds + 1; i += 1) {
    const { status } = await start(sb, "bench-stop");
    await startIdleKernel(status.port, status.token, status.jupyterPid);
    const s = await stop(sb, "bench-stop");
    if (s.pids.length < 3) throw new Error(`expected supervisor, Jupyter and kernel, found ${s.pids.length} processes`);
    const h = await byHand(sb, { kernel: true });
    const f = await byHand(sb, { kernel: true, fastExit: true });
    if (i > 0) {
      a.push(s.ms);
      b.push(h.stop);
      c.push(f.stop);
    }
  }
  return [
    {
      id: "5",
      figure: "`stop` until the whole tree is gone vs Jupyter's own SIGTERM shutdown (one idle kernel each)",
      a: median(a),
      b: median(b),
      ratio: median(a) / median(b),
      target: 1.25,
      n: rounds,
      samples: { stop: a, sigterm: b },
    },
    {
      id: "5b",
      figure: "`stop` as in 5 vs the SIGTERM shutdown of a by-hand Jupyter with jlremote's extension (same fast exit)",
      a: median(a),
      b: median(c),
      ratio: median(a) / median(c),
      target: null,
      n: rounds,
      samples: { stop: a, sigtermFastExit: c },
    },
  ];
}
