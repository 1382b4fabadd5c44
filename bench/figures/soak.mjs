// Figure 9: the idle supervisor's RSS after a long run, accelerated: health probes at their minimum interval (0.1 s)
// and the watch loop turning every 1 ms (JLREMOTE_BENCH_TICK_MS), until it logged ≥ `iterations` turns.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectOk } from "../lib/timing.mjs";
import { run, state, stop } from "../lib/jlremote.mjs";
import { rssMb, sleep } from "../lib/proc.mjs";

const NAME = "bench-soak";

/** The highest iteration count the supervisor logged so far. */
function iterations(sb) {
  let text = "";
  try {
    text = readFileSync(join(sb.env.XDG_STATE_HOME, "jlremote", NAME, "supervisor.log"), "utf8");
  } catch {
    return 0;
  }
  const all = [...text.matchAll(/"iterations":(\d+)/g)].map((m) => Number(m[1]));
  return all.length === 0 ? 0 : Math.max(...all);
}

/** Start a supervisor with the bench tick, note its RSS, wait for `iterations` loop turns, note its RSS again. */
export async function supervisorSoak(sb, target = 100_000, timeoutS = 300) {
  const env = { ...sb.env, JLREMOTE_BENCH_TICK_MS: "1" };
  const args = [
    "start",
    "--app",
    "server",
    "--name",
    NAME,
    "--root-dir",
    sb.rootDir,
    "--health-interval",
    "0.1",
    "--json",
  ];
  const r = expectOk(await run({ ...sb, env }, args), "jlremote start (soak)");
  const pid = JSON.parse(r.stdout).supervisorPid;
  const t0 = Date.now();
  const rss0 = rssMb(pid);
  let peak = rss0;
  while (iterations(sb) < target) {
    if (Date.now() - t0 > timeoutS * 1000)
      throw new Error(`only ${iterations(sb)} loop iterations after ${timeoutS} s`);
    const now = rssMb(pid);
    if (now === null) throw new Error(`the supervisor (pid ${pid}) died during the soak`);
    peak = Math.max(peak, now);
    await sleep(500);
  }
  const rss1 = rssMb(pid);
  const turns = iterations(sb);
  const seconds = (Date.now() - t0) / 1000;
  if (state(sb, NAME).state !== "running") throw new Error("the soaked instance is no longer running");
  await stop(sb, NAME);
  return [
    {
      id: "9",
      figure: `idle supervisor: RSS growth over ${turns.toLocaleString("en")} watch-loop turns (${seconds.toFixed(0)} s; probes every 0.1 s); A = after, B = right after start`,
      a: rss1,
      b: rss0,
      value: rss1 - rss0,
      target: 5,
      unit: "MB",
      samples: { rssStart: rss0, rssEnd: rss1, rssPeak: peak, iterations: turns, seconds },
    },
  ];
}
