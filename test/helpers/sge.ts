// The test Grid Engine cell (scripts/sge-cell.sh): set up per test file, torn down by PID and namespace after it.
// Its `useradd -m` account submits (SGE refuses uid 0); commands run as it on the submit host (the master's
// UTS + mount namespaces, where host names resolve as the cell's daemons see them).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunResult } from "./cli.js";

const script = resolve(import.meta.dirname, "../../scripts/sge-cell.sh");

/** Why the Grid Engine tests cannot run here (shown by node:test), or false. As root they always run. */
export const sgeSkip: string | false =
  process.getuid?.() !== 0
    ? "the Grid Engine test cell needs root (network namespaces, mounts, useradd); `make test` as root runs these tests"
    : false;

/** A running test cell. */
export interface Cell {
  dir: string;
  /** The submitting account, its ids and home (seen by both hosts). */
  user: string;
  uid: number;
  gid: number;
  home: string;
  nodeHost: string;
  nodeAddr: string;
  /** SGE_ROOT, SGE_CELL, the ports and a PATH with the client commands: to merge into the account's environment. */
  env: Record<string, string>;
  /** Spawn argv as the account on the submit host, with exactly `env`. */
  spawnAs: (argv: string[], env: Record<string, string>, cwd?: string) => ChildProcess;
  /** Run argv as the account on the submit host to completion (bounded). */
  runAs: (argv: string[], env: Record<string, string>, timeoutMs?: number, cwd?: string) => Promise<RunResult>;
  /** A Grid Engine client command as the account (qstat, qsub, qdel, qacct), synchronously. */
  q: (cmd: string, args: string[]) => { code: number | null; stdout: string; stderr: string };
  /** PIDs on the exec host that run as the account (jobs and whatever they left). */
  accountPidsOnNode: () => number[];
  /** Is the job still listed by qstat? */
  listed: (jobId: string) => boolean;
  down: () => void;
}

/** Set up the cell (throws with the script's output when it fails). */
export function cellUp(): Cell {
  const dir = mkdtempSync(join(tmpdir(), "jlr-sge-"));
  const up = spawnSync(script, ["up", dir], { encoding: "utf8", timeout: 120_000 });
  if (up.status !== 0) {
    spawnSync(script, ["down", dir], { encoding: "utf8", timeout: 120_000 });
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sge-cell.sh up failed (${up.status}):\n${up.stdout}${up.stderr}`);
  }
  const v = Object.fromEntries(
    readFileSync(join(dir, "cell.env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  ) as Record<string, string>;
  const user = v.SUBMIT_USER as string;
  const ids = spawnSync("id", ["-u", user], { encoding: "utf8" }).stdout.trim();
  const gid = Number(spawnSync("id", ["-g", user], { encoding: "utf8" }).stdout.trim());
  const uid = Number(ids);
  const env: Record<string, string> = {
    SGE_ROOT: v.SGE_ROOT as string,
    SGE_CELL: v.SGE_CELL as string,
    SGE_QMASTER_PORT: v.SGE_QMASTER_PORT as string,
    SGE_EXECD_PORT: v.SGE_EXECD_PORT as string,
    PATH: `${v.SGE_BIN}:/usr/local/bin:/usr/bin:/bin`,
  };
  const asUser = (argv: string[], e: Record<string, string>) => [
    `--uts=${v.MASTER_UTS}`,
    `--mount=${v.MASTER_MNT}`,
    "setpriv",
    `--reuid=${uid}`,
    `--regid=${gid}`,
    "--init-groups",
    "env",
    "-i",
    ...Object.entries(e).map(([k, x]) => `${k}=${x}`),
    ...argv,
  ];
  const home = `/home/${user}`;
  const spawnAs = (argv: string[], e: Record<string, string>, cwd = home) =>
    spawn("nsenter", asUser(argv, e), { cwd, stdio: ["pipe", "pipe", "pipe"] });
  const runAs = (argv: string[], e: Record<string, string>, timeoutMs = 120_000, cwd = home) =>
    new Promise<RunResult>((res) => {
      const child = spawnAs(argv, e, cwd);
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (d) => {
        stdout += d;
      });
      child.stderr?.on("data", (d) => {
        stderr += d;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("close", (code) => {
        clearTimeout(timer);
        res({ code, stdout, stderr });
      });
      child.stdin?.end("");
    });
  const q = (cmd: string, args: string[]) => {
    const r = spawnSync("nsenter", asUser([cmd, ...args], { ...env, HOME: home, USER: user }), {
      encoding: "utf8",
      cwd: home,
      timeout: 30_000,
    });
    return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  };
  const netns = v.NETNS as string;
  return {
    dir,
    user,
    uid,
    gid,
    home,
    nodeHost: v.NODE_HOST as string,
    nodeAddr: v.NODE_ADDR as string,
    env,
    spawnAs,
    runAs,
    q,
    accountPidsOnNode: () =>
      (spawnSync("ip", ["netns", "pids", netns], { encoding: "utf8" }).stdout ?? "")
        .split("\n")
        .filter(Boolean)
        .map(Number)
        .filter((pid) => {
          try {
            return /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] === String(uid);
          } catch {
            return false;
          }
        }),
    listed: (jobId) => {
      const r = q("qstat", []);
      return r.stdout.split("\n").some((l) => l.trim().split(/\s+/)[0] === jobId);
    },
    down: () => {
      const r = spawnSync(script, ["down", dir], { encoding: "utf8", timeout: 120_000 });
      rmSync(dir, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`sge-cell.sh down failed: ${r.stderr}`);
    },
  };
}

/** A private sandbox in the account's home (shared by both hosts): XDG and Jupyter dirs, owned by the account. */
export function cellSandbox(cell: Cell): {
  dir: string;
  env: Record<string, string>;
  stateDir: (n?: string) => string;
} {
  const dir = mkdtempSync(join(cell.home, "t-"));
  chownSync(dir, cell.uid, cell.gid);
  const env: Record<string, string> = {
    ...cell.env,
    HOME: cell.home,
    USER: cell.user,
    LOGNAME: cell.user,
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_RUNTIME_DIR: join(dir, "run"),
    JUPYTER_RUNTIME_DIR: join(dir, "jupyter-runtime"),
    JUPYTER_CONFIG_DIR: join(dir, "jupyter-config"),
    JUPYTER_DATA_DIR: join(dir, "jupyter-data"),
    IPYTHONDIR: join(dir, "ipython"),
    LANG: "C.UTF-8",
  };
  for (const d of ["state", "config", "run"]) {
    mkdirSync(join(dir, d), { mode: 0o700 });
    chownSync(join(dir, d), cell.uid, cell.gid);
  }
  return { dir, env, stateDir: (n = "default") => join(dir, "state", "jlremote", n) };
}

/** The job ids recorded by the sandbox's instances (sge-job.json), to qdel what a failed test left. */
export function recordedJobIds(stateRoot: string): string[] {
  const ids: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(stateRoot);
  } catch {
    return ids;
  }
  for (const n of names) {
    try {
      ids.push((JSON.parse(readFileSync(join(stateRoot, n, "sge-job.json"), "utf8")) as { jobId: string }).jobId);
    } catch {
      /* none */
    }
  }
  return ids;
}
