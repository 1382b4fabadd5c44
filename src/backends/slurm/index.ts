// The slurm scheduler: the instance's supervisor is the main step of a batch job on a compute node.
import type { Backend } from "../backend.js";
import type { Scheduler } from "../scheduler.js";
import { observeHere } from "../this-host.js";
import { hostName } from "../../io/process-identity.js";
import { slurmJobs } from "./job-file.js";
import { recordOfJob, supervisorBeats } from "../batch-job/job-view.js";
import { jobReport } from "./job-view.js";
import { slurmInJob } from "./in-job.js";

// Submitting, cancelling and asking the scheduler load their modules when called: status (the fast path) never does.
const submitting = () => import("./submit.js");

/** Run the instance as a Slurm batch job. */
const slurmBackend: Backend = {
  kind: "slurm",
  start: async (flags, ctx) => (await submitting()).startJob(flags, ctx),
  stop: async (view, ctx) => (await import("./stop.js")).stopJob(view, ctx),
  restart: async (view, ctx) => (await submitting()).restartJob(view, ctx),
  observe(record, env) {
    // On the node itself (the supervisor starting in the job), the PIDs can be checked exactly.
    if (record.host === hostName()) return observeHere(record);
    // Inside the same job run again elsewhere (requeued): the record's supervisor is the previous incarnation's.
    if (env.SLURM_JOB_ID !== undefined && env.SLURM_JOB_ID === record.job?.id)
      return { supervisorAlive: false, jupyterAlive: false, hostBound: false };
    const job = slurmJobs.read(env, record.name);
    const ours = job && !job.end ? recordOfJob(job, record) : null;
    const alive = supervisorBeats(ours, Date.now());
    return { supervisorAlive: alive, jupyterAlive: alive && ours?.jupyter != null, hostBound: false };
  },
  details(base, record, env) {
    const job = slurmJobs.read(env, base.name);
    return job ? jobReport(base, job, record, Date.now()) : { ...base, backend: "slurm" };
  },
  settle: async (view, ctx) => (await import("./settle.js")).settleJob(view, ctx),
};

/** Slurm, as the registry knows it. */
export const slurmScheduler: Scheduler = {
  name: "slurm",
  backend: slurmBackend,
  inJob: slurmInJob,
};
