// The detached backend: a supervisor in its own session on this host (`jlremote start` without a scheduler).
import type { Backend } from "../backend.js";
import { observeLocal, restartUnderSupervisor } from "../local-restart.js";
import { recordedOptions, resolveStartOptions } from "../../commands/start-options.js";
import { ensureStarted } from "./supervisor-start.js";
import { stopInstance, stopMessage } from "./supervisor-stop.js";
import { forgetEndedJob } from "../slurm/job-file.js";

/** Run the instance detached on this host. */
export const detachedBackend: Backend = {
  kind: "detached",
  start: (flags, ctx) => {
    // `--scheduler none` takes an instance that ran as a batch job back to this host.
    if (flags.scheduler === "none") forgetEndedJob(ctx.env, flags.name);
    return ensureStarted(resolveStartOptions(flags, ctx), ctx);
  },
  async stop(view, ctx) {
    const name = view.report.name;
    const wasRunning = view.supervisorAlive || view.jupyterAlive;
    // Anything alive (an unsupervised Jupyter too) or left by a crash is stopped here.
    const out = await stopInstance(view, ctx);
    return stopMessage(wasRunning ? `stopped '${name}'` : `instance '${name}' is not running (${view.report.state})`, out);
  },
  async restart(view, ctx) {
    const record = view.record as NonNullable<typeof view.record>;
    // Validated before anything is signalled: a bad recorded option stops nothing.
    const options = recordedOptions(record.options, ctx);
    const done = await restartUnderSupervisor(view, ctx);
    if (done) return done;
    if (view.jupyterAlive) await stopInstance(view, ctx);
    return ensureStarted(options, ctx);
  },
  observe: observeLocal,
  details: (base) => ({ ...base, backend: "detached" }),
  settle: async (view) => view,
};

export { ensureStarted, stopInstance };
