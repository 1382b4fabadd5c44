// The supervisor's hooks inside a Slurm job: SLURM_JOB_ID, the port base, the USR1 walltime warning, the end time.
import type { InJob } from "../scheduler.js";
import { jobHeartbeat } from "../batch-job/job-view.js";
import { slurmTimeToIso } from "./scontrol-parse.js";

/** The first port a job tries: spread by job id over 20000–39999, so jobs sharing a node rarely race for one port. */
function jobPortBase(jobId: string | null): number {
  const n = Number.parseInt(jobId ?? "", 10);
  return Number.isFinite(n) ? 20_000 + ((n * 7919) % 20_000) : 8888;
}

/** Slurm's side of supervision inside a batch job. */
export const slurmInJob: InJob = {
  jobId: (env) => env.SLURM_JOB_ID ?? null,
  portBase: jobPortBase,
  // Loaded when asked (node:os, dns): status and stop never are.
  listenAddress: async () => (await import("../../io/node-address.js")).clusterAddress(),
  heartbeat: jobHeartbeat,
  // sbatch --signal=B:USR1@N (batch-script.ts).
  warningSignal: "SIGUSR1",
  warningText: "walltime warning from Slurm (USR1): the job ends soon",
  async endsAt(jobId, env) {
    const { showJob } = await import("./slurm-commands.js");
    const q = await showJob(jobId, env);
    if (q.kind !== "known") throw new Error(q.kind === "error" ? q.message : "unknown job");
    return slurmTimeToIso(q.info.endTime);
  },
  stopReason(endsAt, now) {
    const limit = endsAt ? Date.parse(endsAt) : Number.NaN;
    // Slurm enforces the limit up to ~30 s late; a SIGTERM around it is the time limit.
    return Number.isFinite(limit) && now >= limit - 5_000
      ? "time limit"
      : "terminated by Slurm (scancel, preemption or node shutdown)";
  },
};
