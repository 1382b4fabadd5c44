// The test Slurm cluster (scripts/slurm-cluster.sh): set up per test file, torn down by PID and namespace after it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { waitFor } from "./cli.js";

const script = resolve(import.meta.dirname, "../../scripts/slurm-cluster.sh");

/** Why the Slurm tests cannot run here (shown by node:test), or false. As root they always run (and fail loudly). */
export const slurmSkip: string | false =
  process.getuid?.() !== 0
    ? "the Slurm test cluster needs root (network namespaces, mounts); `make test` as root runs these tests"
    : false;

/** A running test cluster. */
export interface Cluster {
  dir: string;
  /** SLURM_CONF, to merge into a sandbox's environment. */
  env: Record<string, string>;
  nodeAddr: string;
  netns: string;
  /** Run a Slurm client command on the login side. */
  slurm: (cmd: string, args: string[]) => { code: number | null; stdout: string; stderr: string };
  /** PIDs on node1 that belong to a job (their environment says SLURM_JOB_ID=id). */
  jobPids: (jobId: string) => number[];
  /** The job's state per `scontrol show job`, or null when Slurm no longer knows it. */
  jobState: (jobId: string) => string | null;
  down: () => void;
}

/** Set up the cluster (throws with the script's output when it fails). */
export function clusterUp(): Cluster {
  const dir = mkdtempSync(join(tmpdir(), "jlr-slurm-"));
  const up = spawnSync(script, ["up", dir], { encoding: "utf8", timeout: 60_000 });
  if (up.status !== 0) {
    // `up` tears down after its own errors, but not when the timeout killed it: take down what it started.
    spawnSync(script, ["down", dir], { stdio: "ignore", timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slurm-cluster.sh up failed (${up.status}):\n${up.stdout}${up.stderr}`);
  }
  const vars = Object.fromEntries(
    readFileSync(join(dir, "cluster.env"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const env = { SLURM_CONF: vars.SLURM_CONF as string };
  const slurm = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 20_000 });
    return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  };
  const netns = vars.NETNS as string;
  return {
    dir,
    env,
    nodeAddr: vars.NODE_ADDR as string,
    netns,
    slurm,
    jobPids: (jobId) => {
      const r = spawnSync("ip", ["netns", "pids", netns], { encoding: "utf8" });
      return (r.stdout ?? "")
        .split("\n")
        .filter(Boolean)
        .map(Number)
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`SLURM_JOB_ID=${jobId}`);
          } catch {
            return false;
          }
        });
    },
    jobState: (jobId) => {
      const r = slurm("scontrol", ["show", "job", "-o", jobId]);
      return r.code === 0 ? (/JobState=(\S+)/.exec(r.stdout)?.[1] ?? null) : null;
    },
    down: () => {
      const r = spawnSync(script, ["down", dir], { encoding: "utf8", timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`slurm-cluster.sh down failed: ${r.stderr}`);
    },
  };
}

/** Cancel every job recorded under a sandbox's state root and wait (bounded) until Slurm has ended them. */
export async function cancelRecordedJobs(cluster: Cluster, stateRoot: string): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(stateRoot);
  } catch {
    return;
  }
  const ids: string[] = [];
  for (const n of names) {
    try {
      ids.push((JSON.parse(readFileSync(join(stateRoot, n, "slurm-job.json"), "utf8")) as { jobId: string }).jobId);
    } catch {
      /* none */
    }
  }
  if (ids.length === 0) return;
  cluster.slurm("scancel", ids);
  await waitFor(
    "the sandbox's jobs to end",
    () => ids.every((id) => cluster.jobPids(id).length === 0),
    30_000,
    200,
  ).catch(() => {});
}

/** The hostname seen by code run inside a kernel: a Jupyter client in node1's network namespace talks to the kernel. */
export function kernelHostname(cluster: Cluster, connectionFile: string): string {
  const r = kernelRun(cluster, connectionFile, "import socket; print(socket.gethostname())");
  if (r.code !== 0) throw new Error(`kernel client failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Run `source` in the kernel (through a Jupyter client inside node1's network namespace); its printed output. */
export function kernelRun(
  cluster: Cluster,
  connectionFile: string,
  source: string,
  timeoutMs = 60_000,
): { code: number | null; stdout: string; stderr: string } {
  const code = [
    "import sys, jupyter_client",
    "c = jupyter_client.BlockingKernelClient(connection_file=sys.argv[1]); c.load_connection_file(); c.start_channels(hb=False)",
    "c.wait_for_ready(timeout=30)",
    "out = []",
    "c.execute_interactive(sys.argv[2], timeout=30, output_hook=lambda m: m['msg_type'] == 'stream' and out.append(m['content']['text']))",
    "print(''.join(out).strip())",
  ].join("\n");
  const r = spawnSync(
    "nsenter",
    [`--net=/run/netns/${cluster.netns}`, "/usr/bin/python3", "-c", code, connectionFile, source],
    { encoding: "utf8", timeout: timeoutMs },
  );
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
