// Figures 1 and 2: `jlremote status --json` against `node -e 0` and `jupyter server list --json`; files it touches.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, run, start } from "../lib/jlremote.mjs";
import { expectOk, interleave, median, timed } from "../lib/timing.mjs";

/**
 * Figure 1: interleaved rounds of status, node -e 0 and an empty .mjs file (the floor for any ESM entry point, which
 * `node -e 0` does not pay), instance `bench-status` running; then, apart, rounds of status and jupyter server list.
 * Apart because the process that follows `jupyter server list` (~0.5 s of Python) starts slower: in one interleave,
 * status always followed it (6 Dec 2026, 100 rounds of each order: status 38.6 ms after it, 30.3 ms after node -e 0;
 * node -e 0 33.3 ms after it, 30.4 ms after status).
 */
export async function statusSpeed(sb, rounds) {
  await start(sb, "bench-status");
  const empty = join(sb.dir, "empty.mjs");
  writeFileSync(empty, "");
  const opts = { env: sb.env, cwd: sb.rootDir, track: sb.inflight };
  const status = async () => {
    const r = expectOk(await run(sb, ["status", "--json", "--name", "bench-status"]), "jlremote status --json");
    if (JSON.parse(r.stdout).state !== "running") throw new Error("status --json did not report running");
    return r.ms;
  };
  const fast = await interleave(
    {
      status,
      node: async () => expectOk(await timed([process.execPath, "-e", "0"], opts), "node -e 0").ms,
      emptyMjs: async () => expectOk(await timed([process.execPath, empty], opts), "node empty.mjs").ms,
    },
    rounds,
    3,
  );
  const slow = await interleave(
    {
      status,
      jupyterList: async () => {
        const r = expectOk(await timed(["jupyter", "server", "list", "--json"], opts), "jupyter server list --json");
        if (!r.stdout.includes('"port"')) throw new Error("jupyter server list --json did not list the running server");
        return r.ms;
      },
    },
    rounds,
    1,
  );
  const samples = { ...fast, statusBesideJupyter: slow.status, jupyterList: slow.jupyterList };
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  return [
    {
      id: "1a",
      figure: "`status --json` vs `node -e 0`",
      a: m.status,
      b: m.node,
      ratio: m.status / m.node,
      target: 1.15,
      n: rounds,
      samples: { status: samples.status, node: samples.node },
    },
    {
      id: "1·",
      figure: "(reference) an empty `.mjs` file vs `node -e 0`",
      a: m.emptyMjs,
      b: m.node,
      ratio: m.emptyMjs / m.node,
      target: null,
      n: rounds,
      samples: { emptyMjs: samples.emptyMjs },
    },
    {
      id: "1b",
      figure: "`status --json` vs `jupyter server list --json`",
      a: m.statusBesideJupyter,
      b: m.jupyterList,
      ratio: m.statusBesideJupyter / m.jupyterList,
      target: 0.3,
      n: rounds,
      samples: { status: samples.statusBesideJupyter, jupyterList: samples.jupyterList },
    },
  ];
}

/** Figure 2: file syscalls (strace -f -c -e trace=%file) of status --json, with node -e 0 for reference. */
export function filesTouched(sb) {
  const probe = spawnSync("strace", ["-V"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0)
    throw new Error("strace not found (apt-get install strace) — cannot count files touched");
  const count = (argv) => {
    const out = join(sb.dir, "strace.txt");
    const r = spawnSync("strace", ["-f", "-c", "-e", "trace=%file", "-o", out, ...argv], {
      env: sb.env,
      cwd: sb.rootDir,
      stdio: "ignore",
    });
    if (r.status !== 0 && argv.includes("status"))
      throw new Error(`strace of ${argv.slice(1).join(" ")} exited ${r.status}`);
    const total = /^\S+\s+\S+\s+\S+\s+(\d+)(?:\s+\d+)?\s+total$/m.exec(readFileSync(out, "utf8"));
    if (!total) throw new Error("could not read strace's summary");
    return Number(total[1]);
  };
  const runs = (argv) => median([count(argv), count(argv), count(argv)]);
  const status = runs(cli("status", "--json", "--name", "bench-status"));
  const node = runs([process.execPath, "-e", "0"]);
  return [
    {
      id: "2",
      figure: "file syscalls of `status --json` (strace -f -c -e trace=%file)",
      a: status,
      b: node,
      value: status,
      target: 60,
      unit: "calls",
    },
  ];
}
