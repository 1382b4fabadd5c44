// Figure 9: the idle supervisor's RSS after a long run, accelerated: health probes at their minimum interval (0.1 s)
// and the watch loop turning every 1 ms (JLREMOTE_BENCH_TICK_MS), until it logged ≥ `iterations` turns. 9 soaks
// `start`'s supervisor; 9b the one jllocal's cold path runs in the remote status process.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectOk, timed } from "../lib/timing.mjs";
import { CLI, run, state, stop } from "../lib/jlremote.mjs";
import { rssMb, sleep } from "../lib/proc.mjs";

/** The highest iteration count the supervisor of instance `name` logged so far. */
function iterations(sb, name) {
  let text = "";
  try {
    text = readFileSync(join(sb.env.XDG_STATE_HOME, "jlremote", name, "supervisor.log"), "utf8");
  } catch {
    return 0;
  }
  const all = [...text.matchAll(/"iterations":(\d+)/g)].map((m) => Number(m[1]));
  return all.length === 0 ? 0 : Math.max(...all);
}

/** The options both soaks start their instance with. */
const soakStartArgs = (sb) => ["--app", "server", "--root-dir", sb.rootDir, "--health-interval", "0.1"];

/**
 * Loop turns before the first RSS reading. Right after start the supervisor's RSS was 48.0 MB in two of twelve runs and
 * 51.5 MB in the others, with the same ~56 MB at the end of each (unchanged code: 18th-21st rounds), so "growth" from
 * that reading measured when it was taken; after its first turns the supervisor is past its start-up allocations.
 */
const WARM_TURNS = 2_000;

/**
 * Wait for the supervisor's first WARM_TURNS loop turns, note its RSS, wait for `target` turns, note it again, stop the
 * instance: figure 9's row.
 */
async function soakRow(sb, { id, name, pid, what, target, timeoutS }) {
  const t0 = Date.now();
  const rssStarted = rssMb(pid);
  while (iterations(sb, name) < WARM_TURNS) {
    if (Date.now() - t0 > timeoutS * 1000)
      throw new Error(`only ${iterations(sb, name)} loop iterations after ${timeoutS} s`);
    if (rssMb(pid) === null) throw new Error(`the supervisor (pid ${pid}) died during the soak`);
    await sleep(100);
  }
  const rss0 = rssMb(pid);
  let peak = rss0;
  while (iterations(sb, name) < target) {
    if (Date.now() - t0 > timeoutS * 1000)
      throw new Error(`only ${iterations(sb, name)} loop iterations after ${timeoutS} s`);
    const now = rssMb(pid);
    if (now === null) throw new Error(`the supervisor (pid ${pid}) died during the soak`);
    peak = Math.max(peak, now);
    await sleep(500);
  }
  const rss1 = rssMb(pid);
  const turns = iterations(sb, name);
  const seconds = (Date.now() - t0) / 1000;
  if (state(sb, name).state !== "running") throw new Error("the soaked instance is no longer running");
  await stop(sb, name);
  return {
    id,
    figure: `${what}: RSS growth over ${turns.toLocaleString("en")} watch-loop turns (${seconds.toFixed(0)} s; probes every 0.1 s); A = after, B = after the first ${WARM_TURNS.toLocaleString("en")} turns`,
    a: rss1,
    b: rss0,
    value: rss1 - rss0,
    target: 5,
    unit: "MB",
    samples: { rssStarted, rssStart: rss0, rssEnd: rss1, rssPeak: peak, iterations: turns, seconds },
  };
}

/** Figure 9: `jlremote start` with the bench tick, then its supervisor's RSS over `target` loop turns. */
export async function supervisorSoak(sb, target = 100_000, timeoutS = 300) {
  const name = "bench-soak";
  const env = { ...sb.env, JLREMOTE_BENCH_TICK_MS: "1" };
  const r = expectOk(
    await run({ ...sb, env }, ["start", "--name", name, ...soakStartArgs(sb), "--json"]),
    "jlremote start (soak)",
  );
  const pid = JSON.parse(r.stdout).supervisorPid;
  return [await soakRow(sb, { id: "9", name, pid, what: "idle supervisor", target, timeoutS })];
}

/**
 * Figure 9b: the supervisor jllocal's cold path leaves in the remote status process, started as its line starts it:
 * the launcher `jlremote install` writes, run with `JLREMOTE_OR_START` and an answer fd 3 (the line's shell pipe; a
 * socket here), which gets the exit code while the process goes on supervising.
 */
export async function hereSoak(sb, target = 100_000, timeoutS = 300) {
  const name = "bench-soak-here";
  const bin = join(sb.dir, "bin-9b");
  expectOk(await timed([process.execPath, CLI, "install", "--bin-dir", bin], { env: sb.env }), "jlremote install (9b)");
  const env = {
    ...sb.env,
    JLREMOTE_BENCH_TICK_MS: "1",
    JLREMOTE_OR_START: JSON.stringify(soakStartArgs(sb)),
    JLREMOTE_ANSWER_FD: "3",
  };
  const child = spawn(join(bin, "jlremote"), ["status", "--json", "--name", name], {
    env,
    cwd: sb.rootDir,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  // Killed at the sandbox's cleanup (by PID and start time) whatever happens: it may be left supervising.
  sb.remember(child.pid);
  const read = (stream) =>
    new Promise((resolve) => {
      let text = "";
      stream.on("data", (d) => {
        text += d;
      });
      stream.on("close", () => resolve(text));
    });
  let timer;
  const answered = Promise.all([read(child.stdout), read(child.stderr), read(child.stdio[3])]);
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("9b: no answer on fd 3 within 120 s")), 120_000);
  });
  const [stdout, stderr, code] = await Promise.race([answered, late]).finally(() => clearTimeout(timer));
  if (code.trim() !== "0") throw new Error(`the status that starts (9b) answered '${code.trim()}': ${stderr.trim()}`);
  const st = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
  if (st.state !== "running" || st.supervisorPid !== child.pid)
    throw new Error(`9b: the supervisor (${st.supervisorPid}) is not the status process (${child.pid})`);
  return [
    await soakRow(sb, {
      id: "9b",
      name,
      pid: child.pid,
      what: "idle supervisor in jllocal's status process",
      target,
      timeoutS,
    }),
  ];
}
