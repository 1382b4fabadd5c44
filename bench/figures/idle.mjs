// Figure 6: an idle supervisor over 60 s after start (CPU time, RSS), next to a bare idle node measured the same way.
import { spawn, spawnSync } from "node:child_process";
import { start } from "../lib/jlremote.mjs";
import { cpuTicks, rssMb, sleep, waitSettled } from "../lib/proc.mjs";

/** Start instance `bench-idle` and a bare `node -e "setInterval(()=>{},1e9)"`; sample both for `seconds`. */
export async function idleFootprint(sb, seconds) {
  const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  const { status } = await start(sb, "bench-idle");
  const bare = spawn(process.execPath, ["-e", "setInterval(()=>{},1e9)"], { stdio: "ignore", env: sb.env });
  sb.remember(bare.pid);
  // Both deltas cover idle time only: wait until the bare node has finished booting.
  await waitSettled(() => bare.pid, "the bare node");
  const pids = { supervisor: status.supervisorPid, node: bare.pid };
  const cpu0 = { supervisor: cpuTicks(pids.supervisor), node: cpuTicks(pids.node) };
  const rss = { supervisor: 0, node: 0 };
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(1000, end - Date.now()));
    for (const k of ["supervisor", "node"]) {
      const r = rssMb(pids[k]);
      if (r === null) throw new Error(`the ${k} process (pid ${pids[k]}) died while idle`);
      rss[k] = Math.max(rss[k], r);
    }
  }
  const cpu = {
    supervisor: (cpuTicks(pids.supervisor) - cpu0.supervisor) / hz,
    node: (cpuTicks(pids.node) - cpu0.node) / hz,
  };
  bare.kill("SIGKILL");
  sb.forget(bare.pid);
  return [
    {
      id: "6a",
      figure: `idle supervisor: CPU time over ${seconds} s (bare node alongside)`,
      a: cpu.supervisor,
      b: cpu.node,
      value: cpu.supervisor,
      target: 0.1,
      unit: "s",
    },
    {
      id: "6b",
      figure: "idle supervisor: max RSS (bare node alongside)",
      a: rss.supervisor,
      b: rss.node,
      value: rss.supervisor,
      target: 60,
      unit: "MB",
    },
  ];
}
