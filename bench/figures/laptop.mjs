// Figures 7 and 8: what a user waits for on the laptop. `jllocal HOST --no-browser` over a loopback sshd to a plain
// account, warm (7: master, Jupyter and tunnel up) and cold (8: no master, Jupyter stopped), each against doing it
// without jlremote: the seed's shell function, the floor (one status exec over the master + one request), by hand.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, httpGet, pollReady } from "../lib/jupyter.mjs";
import { JLLOCAL, killRecordedMasters, listenerPid, startRemote, writeSeedFunction } from "../lib/laptop.mjs";
import { alive, now, procStat, sameProcess, sleep } from "../lib/proc.mjs";
import { expectOk, interleave, median, timed } from "../lib/timing.mjs";

const NAME = "bench-laptop";
/** Figure 7b's instance: jllocal's default, its private unix socket. */
const SOCK_NAME = "bench-laptop-sock";

/** The remote side, started once for figures 7, 8 and 13. */
let remote = null;
export async function getRemote(sb) {
  remote ??= await startRemote(sb);
  sb.onCleanup(() => killRecordedMasters(sb));
  return remote;
}

/** Kill a local process we found (the seed's `ssh -fN`), identity-checked by its start time. */
function killFound(pid, startTime) {
  if (pid !== null && sameProcess(pid, startTime)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}

/** jllocal's URL run: checks exit 0 and a URL on stdout. */
async function jllocal(r, extra = [], name = NAME) {
  const res = expectOk(await r.jllocal([r.host, "--no-browser", "--name", name, ...extra]), "jllocal --no-browser");
  if (!/http:\/\/127\.0\.0\.1:\d+\/\S*\?token=/.test(res.stdout))
    throw new Error(`jllocal printed no URL: ${res.stdout.trim()}`);
  return res;
}

/** CPU seconds (user + system) of `argv` and every child it waited for: bash's `times` after running it. */
async function cpuOf(sb, argv) {
  const out = join(sb.dir, "times.txt");
  const r = await timed(["bash", "-c", '"$@"; rc=$?; times > "$TIMES_OUT"; exit $rc', "bash", ...argv], {
    env: { ...sb.env, TIMES_OUT: out },
    cwd: sb.rootDir,
    track: sb.inflight,
  });
  expectOk(r, argv.slice(1, 3).join(" "));
  // Second line: the children's user and system time, e.g. "0m0.123s 0m0.045s".
  const line = readFileSync(out, "utf8").trim().split("\n")[1] ?? "";
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`could not read times: ${line}`);
  return secs[0] + secs[1];
}

/** The floor of a warm run to instance `name` with its tunnel on `localPort`: one status exec over the master and one
 * request through the tunnel. */
async function floorRun(r, name, localPort) {
  const argv = ["-S", r.controlPath(), "-o", "ControlMaster=no", "-T", r.host];
  const s = expectOk(
    await r.ssh([...argv, `~/.local/bin/jlremote status --json --name ${name}`]),
    "status over the master",
  );
  const t0 = now();
  const h = await httpGet(localPort, "/api/status", JSON.parse(s.stdout).token, 5000);
  if (h.status !== 200) throw new Error(`request through the tunnel: HTTP ${h.status}`);
  return s.ms + (now() - t0);
}

/**
 * Figure 7: warm jllocal vs the seed's shell function (a TCP instance: the seed forwards a port) and vs the floor (7b:
 * jllocal's default, the unix socket; 7b· the TCP instance); jllocal's CPU time with its ssh children.
 */
export async function laptopWarm(sb, rounds) {
  const r = await getRemote(sb);
  // Warm state: one cold jllocal run opens the master, starts Jupyter and adds the tunnel.
  // TCP (--no-sock): the seed function forwards a port and finds the URL with `jupyter server list`, so the instance
  // both sides reach must listen on one (jllocal's default, the private socket, is figure 8's). --sock only matters
  // when jllocal starts the instance, so the warm runs below use the default command line (its fast argv path).
  const first = await jllocal(r, ["--json", "--no-sock"]);
  const info = JSON.parse(first.stdout);
  const sockInfo = JSON.parse((await jllocal(r, ["--json"], SOCK_NAME)).stdout);
  if (!("socket" in sockInfo.target)) throw new Error("jllocal's default instance does not listen on a unix socket");
  const status = JSON.parse(
    expectOk(await r.ssh([r.host, `~/.local/bin/jlremote status --json --name ${NAME}`]), "remote status").stdout,
  );
  if (status.app !== r.jupyter.app) throw new Error(`remote Jupyter is ${status.app}, expected ${r.jupyter.app}`);
  const seed = writeSeedFunction(sb, r.sshd.sshConfig);
  const seedPort = await freePort();
  const seedArgs = ["bash", seed, r.host, String(seedPort), String(status.port)];
  // The seed's own tunnel (its first call starts `ssh -fN -L`); found by its listening socket, killed at the end.
  expectOk(await timed(seedArgs, { env: sb.env, cwd: sb.rootDir }), "seed function");
  const seedPid = listenerPid(seedPort);
  const seedStart = seedPid === null ? null : procStat(seedPid).startTime;
  sb.onCleanup(() => killFound(seedPid, seedStart));
  try {
    const samples = await interleave(
      {
        jllocal: async () => {
          const res = await jllocal(r);
          if (!res.stdout.includes(`127.0.0.1:${info.localPort}/`))
            throw new Error("warm jllocal changed its local port");
          return res.ms;
        },
        seed: async () => {
          const res = expectOk(
            await timed(seedArgs, { env: sb.env, cwd: sb.rootDir, track: sb.inflight }),
            "seed function",
          );
          if (!res.stdout.includes(`localhost:${seedPort}/`) || !res.stdout.includes("token="))
            throw new Error(`seed printed no URL: ${res.stdout.trim()}`);
          return res.ms;
        },
        floor: () => floorRun(r, NAME, info.localPort),
        sock: async () => {
          const res = await jllocal(r, [], SOCK_NAME);
          if (!res.stdout.includes(`127.0.0.1:${sockInfo.localPort}/`))
            throw new Error("warm jllocal changed its local port");
          return res.ms;
        },
        sockFloor: () => floorRun(r, SOCK_NAME, sockInfo.localPort),
      },
      rounds,
      2,
    );
    const cpu = [];
    for (let i = 0; i < Math.max(5, Math.ceil(rounds / 2)); i += 1) {
      cpu.push(
        await cpuOf(sb, [
          process.execPath,
          JLLOCAL,
          r.host,
          "--no-browser",
          "--name",
          NAME,
          "--ssh-config",
          r.sshd.sshConfig,
        ]),
      );
    }
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    const where = `${r.jupyter.label}, remote account ${r.account.user}`;
    return [
      {
        id: "7a",
        figure: `\`jllocal HOST --no-browser\` warm vs the seed's shell function (${where})`,
        a: m.jllocal,
        b: m.seed,
        ratio: m.jllocal / m.seed,
        target: 0.15,
        n: rounds,
        samples: { jllocal: samples.jllocal, seed: samples.seed },
      },
      {
        id: "7b",
        figure:
          "warm `jllocal` (its default: the instance's unix socket) vs the floor: one `jlremote status --json` over the master + one request through the tunnel",
        a: m.sock,
        b: m.sockFloor,
        ratio: m.sock / m.sockFloor,
        target: 1.3,
        n: rounds,
        samples: { jllocal: samples.sock, floor: samples.sockFloor },
      },
      {
        id: "7b·",
        figure: "the same to a TCP instance (`--no-sock`), where jllocal keeps the remote status call",
        a: m.jllocal,
        b: m.floor,
        ratio: m.jllocal / m.floor,
        target: null,
        n: rounds,
        samples: { floor: samples.floor },
      },
      {
        id: "7c",
        figure: "warm `jllocal`: CPU time with the ssh children it waits for",
        a: median(cpu),
        b: null,
        value: median(cpu),
        target: 0.15,
        unit: "s",
        samples: { cpu },
      },
    ];
  } finally {
    killFound(seedPid, seedStart);
    await r.ssh([r.host, `~/.local/bin/jlremote stop --name ${SOCK_NAME}`]);
  }
}

/** Stop the remote instance (plain ssh login) and end jllocal's master: the cold state of figure 8. */
async function makeCold(r) {
  expectOk(await r.ssh([r.host, `~/.local/bin/jlremote stop --name ${NAME}`]), "remote stop");
  expectOk(await r.jllocal(["kill", r.host]), "jllocal kill");
}

/**
 * Jupyter by hand over ssh: one login that starts it detached (token on stdin, never in argv), `ssh -fN -L`, then
 * /api/status polled through the tunnel every 20 ms. Returns ms until 200; kills what it started before returning.
 */
async function byHandOverSsh(_sb, r) {
  const port = await freePort();
  const lport = await freePort();
  const token = randomBytes(24).toString("hex");
  const app = r.jupyter.app === "lab" ? "lab" : "server";
  const script = `read -r t; JUPYTER_TOKEN=$t nohup jupyter ${app} --no-browser --ip=127.0.0.1 --port=${port} --ServerApp.port_retries=0 >/dev/null 2>&1 </dev/null & echo $!`;
  const t0 = now();
  const started = expectOk(await r.ssh([r.host, script], { input: `${token}\n` }), "by-hand start over ssh");
  const jpid = Number(started.stdout.trim());
  const jstart = procStat(jpid)?.startTime ?? null;
  let tunnelPid = null;
  let tunnelStart = null;
  try {
    expectOk(await r.ssh(["-fN", "-L", `${lport}:127.0.0.1:${port}`, r.host]), "ssh -fN -L");
    tunnelPid = listenerPid(lport);
    tunnelStart = tunnelPid === null ? null : (procStat(tunnelPid)?.startTime ?? null);
    const ready = await pollReady(lport, token, { timeoutMs: 120_000 });
    return ready - t0;
  } finally {
    killFound(tunnelPid, tunnelStart);
    if (jstart !== null && sameProcess(jpid, jstart)) {
      process.kill(jpid, "SIGTERM");
      for (let i = 0; i < 200 && alive(jpid); i += 1) await sleep(25);
      killFound(jpid, jstart);
    }
  }
}

/**
 * Figure 8: cold jllocal (no master, Jupyter stopped) vs by hand (login + detached start, ssh -fN -L, poll). Each side
 * runs with nothing of the other's left: jllocal's Jupyter and master end before the by-hand run, as the by-hand
 * Jupyter and tunnel end before the next jllocal run (until 6 Dec 2026 the by-hand run had jllocal's idle Jupyter
 * beside it: with Debian's Jupyter, by hand took 622 and 615 ms so, 595 and 593 ms alone; docs/benchmark.md).
 */
export async function laptopCold(sb, rounds) {
  const r = await getRemote(sb);
  const a = [];
  const b = [];
  await makeCold(r);
  for (let i = 0; i < rounds + 1; i += 1) {
    const res = await jllocal(r);
    await makeCold(r);
    const h = await byHandOverSsh(sb, r);
    if (i > 0) {
      a.push(res.ms);
      b.push(h);
    }
  }
  return [
    {
      id: "8",
      figure: `\`jllocal HOST --no-browser\` cold (no master, Jupyter stopped) vs by hand: ssh login starting Jupyter detached, \`ssh -fN -L\`, poll through the tunnel (${r.jupyter.label})`,
      a: median(a),
      b: median(b),
      ratio: median(a) / median(b),
      target: 1.1,
      n: rounds,
      samples: { jllocal: a, byHand: b },
    },
  ];
}
