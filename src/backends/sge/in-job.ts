// The supervisor's hooks inside a Grid Engine job: JOB_ID, the port base, its own walltime warning at
// endsAt - --time-warning, and -notify's SIGUSR2 as "the job ends now".
import type { InJob } from "../scheduler.js";
import { jobEnv } from "./batch-script.js";
import { jobHeartbeat } from "../batch-job/job-view.js";

type Env = Record<string, string | undefined>;

/** The first port a job tries: spread by job id over 20000–39999, so jobs sharing a node rarely race for one port. */
function portBase(jobId: string | null): number {
  const n = Number.parseInt(jobId ?? "", 10);
  return Number.isFinite(n) ? 20_000 + ((n * 7919) % 20_000) : 8888;
}

/** The job's h_rt: from the script (asked with -l h_rt), else qstat -j on the node (SGE_BINARY_PATH), else none. */
async function hRtOf(jobId: string, env: Env): Promise<number | null> {
  const fromScript = env[jobEnv.hRt];
  if (fromScript && /^\d+$/.test(fromScript)) return Number(fromScript);
  const qstat = env.SGE_BINARY_PATH ? `${env.SGE_BINARY_PATH}/qstat` : "qstat";
  const { hardRuntime } = await import("./sge-commands.js");
  return hardRuntime(qstat, jobId, env);
}

/** Grid Engine's side of supervision inside a job. */
export const sgeInJob: InJob = {
  // JOB_ID alone is a common name: a Grid Engine job also has SGE_JOB_SPOOL_DIR.
  jobId: (env) => (env.JOB_ID && env.SGE_JOB_SPOOL_DIR ? env.JOB_ID : null),
  portBase,
  // Loaded when asked (node:os, dns): status and stop never are.
  listenAddress: async () => (await import("../../io/node-address.js")).clusterAddress(),
  heartbeat: jobHeartbeat,
  // -notify (batch-script.ts): SIGUSR2 at h_rt or on qdel, SIGKILL after the queue's notify time.
  warningSignal: "SIGUSR2",
  warningText: "Grid Engine -notify (USR2): the job ends now",
  endingSignal: "SIGUSR2",
  warnAheadSec: (env) => {
    const v = env[jobEnv.warning];
    return v && /^\d+$/.test(v) ? Number(v) : null;
  },
  async endsAt(jobId, env) {
    const hRt = await hRtOf(jobId, env);
    const started = Number(env[jobEnv.started]);
    if (hRt === null) return null;
    const from = Number.isFinite(started) && started > 0 ? started * 1000 : Date.now();
    return new Date(from + hRt * 1000).toISOString();
  },
  stopReason(endsAt, now) {
    const limit = endsAt ? Date.parse(endsAt) : Number.NaN;
    return Number.isFinite(limit) && now >= limit - 5_000 ? "time limit" : "deleted (qdel)";
  },
};
