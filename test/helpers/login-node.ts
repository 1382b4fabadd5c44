// A second login node for round-robin tests (root only): its own network namespace (a veth pair in a free
// 10.79.X.0/24), its own host name (UTS namespace), and an sshd there sharing the first login's keys and the accounts'
// homes; the first login's sshd resolves its name through a private /etc/hosts (a mount namespace of its own).
// Everything is torn down by PID and by the names made here, never by pattern.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { alive, descendantsOf, killPid, waitFor } from "./cli.js";
import type { Sshd } from "./sshd.js";

/** The namespaces of the second login node, before its sshd runs. */
export interface LoginNode {
  hostname: string;
  addr: string;
  /** Prefix that runs a command as if on that node (its network and host name). */
  enter: string[];
  /** Prefix for the first login's sshd: the private /etc/hosts that names this node. */
  firstLoginWrap: string[];
  /** Start its sshd on the first login's port, keys and authorized keys; its name goes into their known_hosts. */
  startSshd: (first: Sshd) => Promise<{ pid: number; logins: () => number }>;
  /** Kill its sshd and everything left in its network namespace, delete the namespaces, unmount. */
  end: () => Promise<void>;
}

function sh(args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout ?? "" };
}

function must(args: string[]): void {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
}

/** A /24 of 10.79.X.0 no interface or route here uses. */
function freeSubnet(): string {
  const used = sh(["ip", "-4", "addr"]).stdout + sh(["ip", "route"]).stdout;
  for (let i = 0; i < 200; i++) {
    const x = ((process.pid + i) % 200) + 20;
    if (!used.includes(`10.79.${x}.`)) return `10.79.${x}`;
  }
  throw new Error("no free 10.79.X.0/24 subnet");
}

/** Make the second login node's namespaces under `dir`, named `hostname`. */
export function makeLoginNode(dir: string, hostname: string): LoginNode {
  const d = join(dir, "login2");
  mkdirSync(join(d, "ns"), { recursive: true });
  const net = freeSubnet();
  const suffix = `${process.pid % 100000}`;
  const netns = `jlrrr${suffix}`;
  const veth = `jlrrv${suffix}`;
  const addr = `${net}.2`;
  const uts = join(d, "uts");
  const mnt = join(d, "ns", "mnt");
  let sshdPid: number | null = null;
  const end = async () => {
    if (sshdPid !== null) {
      for (const p of descendantsOf(sshdPid)) killPid(p);
      killPid(sshdPid);
      const pid = sshdPid;
      await waitFor("the second sshd to exit", () => !alive(pid), 5000).catch(() => {});
    }
    if (existsSync(`/run/netns/${netns}`)) {
      const left = () =>
        sh(["ip", "netns", "pids", netns])
          .stdout.split(/\s+/)
          .filter((p) => p !== "")
          .map(Number);
      for (const p of left()) killPid(p);
      await waitFor("the namespace to empty", () => left().length === 0, 5000).catch(() => {});
      sh(["ip", "netns", "delete", netns]);
    }
    sh(["ip", "link", "delete", veth]);
    for (const m of [mnt, uts, join(d, "ns")]) if (sh(["mountpoint", "-q", m]).status === 0) sh(["umount", m]);
  };
  try {
    must(["ip", "netns", "add", netns]);
    must(["ip", "link", "add", veth, "type", "veth", "peer", "name", `${veth}n`]);
    must(["ip", "link", "set", `${veth}n`, "netns", netns]);
    must(["ip", "addr", "add", `${net}.1/24`, "dev", veth]);
    must(["ip", "link", "set", veth, "up"]);
    must(["ip", "-n", netns, "link", "set", `${veth}n`, "name", "eth0"]);
    must(["ip", "-n", netns, "addr", "add", `${addr}/24`, "dev", "eth0"]);
    must(["ip", "-n", netns, "link", "set", "eth0", "up"]);
    must(["ip", "-n", netns, "link", "set", "lo", "up"]);
    writeFileSync(uts, "");
    must(["unshare", `--uts=${uts}`, "hostname", hostname]);
    writeFileSync(join(d, "hosts"), `${readFileSync("/etc/hosts", "utf8")}\n${addr} ${hostname}\n`);
    must(["mount", "--bind", join(d, "ns"), join(d, "ns")]);
    must(["mount", "--make-private", join(d, "ns")]);
    writeFileSync(mnt, "");
    must(["unshare", `--mount=${mnt}`, "--propagation", "slave", "mount", "--bind", join(d, "hosts"), "/etc/hosts"]);
  } catch (err) {
    void end();
    throw err;
  }
  const enter = ["nsenter", `--net=/run/netns/${netns}`, `--uts=${uts}`, "--"];
  const startSshd = async (first: Sshd) => {
    const keys = dirname(first.sshConfig);
    const cfg = join(d, "sshd_config");
    const base = readFileSync(join(keys, "sshd_config"), "utf8")
      .split("\n")
      .filter((l) => !/^(ListenAddress|PidFile) /.test(l));
    writeFileSync(cfg, [`ListenAddress ${addr}`, `PidFile ${join(d, "sshd.pid")}`, ...base].join("\n"));
    const log = join(d, "sshd.log");
    writeFileSync(log, "");
    const argv = [...enter, "/usr/sbin/sshd", "-D", "-e", "-f", cfg];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "ignore", openSync(log, "a")] });
    sshdPid = child.pid as number;
    await waitFor("the second sshd to listen", () => readFileSync(log, "utf8").includes("Server listening"), 10_000);
    // Its name (as the instance records it) with the shared host key, where the first login's alias looks.
    const hostPub = readFileSync(join(keys, "hostkey.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
    appendFileSync(join(keys, "known_hosts"), `[${hostname}]:${first.port} ${hostPub}\n`);
    return { pid: sshdPid, logins: () => (readFileSync(log, "utf8").match(/Accepted publickey/g) ?? []).length };
  };
  return { hostname, addr, enter, firstLoginWrap: ["nsenter", `--mount=${mnt}`, "--"], startSshd, end };
}
