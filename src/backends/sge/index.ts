// The sge scheduler (Grid Engine: SGE, Univa/Altair GE): the instance's supervisor is a job's main process.
import { hostName } from "../../io/process-identity.js";
import type { Backend } from "../backend.js";
import type { Scheduler } from "../scheduler.js";
import { observeHere } from "../this-host.js";
import { sgeJobs } from "./job-file.js";
import { recordOfJob, supervisorBeats } from "../batch-job/job-view.js";
import { jobReport } from "./job-view.js";
import { sgeInJob } from "./in-job.js";

// Submitting, cancelling and asking the scheduler load their modules when called: status (the fast path) never does.
const submitting = () => import("./submit.js");

/** Run the instance as a Grid Engine job. */
const sgeBackend: Backend = {
  kind: "sge",
  start: async (flags, ctx) => (await submitting()).startJob(flags, ctx),
  stop: async (view, ctx) => (await import("./stop.js")).stopJob(view, ctx),
  restart: async (view, ctx) => (await submitting()).restartJob(view, ctx),
  observe(record, env) {
    // On the node itself (the supervisor starting in the job), the PIDs can be checked exactly.
    if (record.host === hostName()) return observeHere(record);
    const job = sgeJobs.read(env, record.name);
    const ours = job && !job.end ? recordOfJob(job, record) : null;
    const alive = supervisorBeats(ours, Date.now());
    return { supervisorAlive: alive, jupyterAlive: alive && ours?.jupyter != null, hostBound: false };
  },
  details(base, record, env) {
    const job = sgeJobs.read(env, base.name);
    return job ? jobReport(base, job, record, Date.now()) : { ...base, backend: "sge" };
  },
  settle: async (view, ctx) => (await import("./settle.js")).settleJob(view, ctx),
};

/** Grid Engine, as the registry knows it. */
export const sgeScheduler: Scheduler = {
  name: "sge",
  backend: sgeBackend,
  inJob: sgeInJob,
};
