// Figure 7: a kernel survives a Jupyter crash: SIGKILL of Jupyter until the re-adopted kernel answers kernel_info
// through the same URL (its websocket), vs today's recovery (figure 4: until the URL answers 200, no kernel).
import { httpGet, pollReady } from "../lib/jupyter.mjs";
import { start, state, stop } from "../lib/jlremote.mjs";
import { alive, now, sleep } from "../lib/proc.mjs";
import { median } from "../lib/timing.mjs";
import { kernelInfo, openChannels } from "../lib/websocket.mjs";

/** Poll the kernel's websocket every 20 ms until it opens and answers kernel_info; resolves with that time. */
async function kernelAnswers(port, token, kernelId, jupyterPid, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(jupyterPid)) {
      const ws = await openChannels(port, token, kernelId);
      if (ws) {
        try {
          await kernelInfo(ws, 30_000);
          return now();
        } catch {
          /* reconnect */
        } finally {
          ws.close();
        }
      }
    }
    if (Date.now() > deadline) throw new Error(`kernel ${kernelId} did not answer within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Instances take turns as in figure 4 (the restart policy resets after 10 s of uptime). */
export async function adoptionRecovery(sb, rounds, pairs = 2) {
  const withKernel = Array.from({ length: pairs }, (_, i) => `bench-adopt-${i}`);
  const without = Array.from({ length: pairs }, (_, i) => `bench-plain-${i}`);
  const readyAt = new Map();
  const kernels = new Map();
  for (const n of [...withKernel, ...without]) {
    const { status } = await start(sb, n);
    readyAt.set(n, Date.now());
    if (!n.startsWith("bench-adopt")) continue;
    const r = await httpGet(
      status.port,
      "/api/kernels",
      status.token,
      20_000,
      "POST",
      JSON.stringify({ name: "python3" }),
    );
    if (r.status !== 201) throw new Error(`POST /api/kernels: HTTP ${r.status}`);
    const id = JSON.parse(r.text).id;
    const ws = await openChannels(status.port, status.token, id, 20_000);
    if (!ws) throw new Error("cannot open the kernel's websocket");
    await kernelInfo(ws, 60_000);
    ws.close();
    kernels.set(n, id);
  }
  const turn = async (name) => {
    const wait = readyAt.get(name) + 11_000 - Date.now();
    if (wait > 0) await sleep(wait);
    // The supervisor records "running" after its own probe, which may come just after ours.
    let rec = state(sb, name);
    for (let i = 0; i < 250 && (rec.state !== "running" || !rec.jupyter); i += 1) {
      await sleep(20);
      rec = state(sb, name);
    }
    if (rec.state !== "running" || !rec.jupyter)
      throw new Error(
        `instance ${name} is ${rec.state} (${JSON.stringify(rec.lastExit)}), not running, before the kill`,
      );
    const t0 = now();
    process.kill(rec.jupyter.pid, "SIGKILL");
    const t1 = kernels.has(name)
      ? await kernelAnswers(rec.port, rec.token, kernels.get(name), rec.jupyter.pid)
      : await pollReady(rec.port, rec.token, { before: () => !alive(rec.jupyter.pid) });
    readyAt.set(name, Date.now());
    return t1 - t0;
  };
  const a = [];
  const b = [];
  for (let i = 0; i < rounds + 1; i += 1) {
    const ta = await turn(withKernel[i % pairs]);
    const tb = await turn(without[i % pairs]);
    if (i > 0) {
      a.push(ta);
      b.push(tb);
    }
  }
  for (const n of [...withKernel, ...without]) await stop(sb, n);
  return [
    {
      id: "11",
      figure:
        "kernel survival: SIGKILL of Jupyter until the re-adopted kernel answers kernel_info on its websocket vs until the URL answers 200 (no kernel)",
      a: median(a),
      b: median(b),
      ratio: median(a) / median(b),
      target: 1.4,
      n: rounds,
      samples: { adopted: a, recovery: b },
    },
  ];
}
