// The detached backend: a supervisor in its own session on this host (`jlremote start` without a scheduler).
import type { Backend } from "../backend.js";
import { observeLocal, restartUnderSupervisor } from "../local-restart.js";
import { resolveStartOptions } from "../../commands/start-options.js";
import { killOrphans } from "../../supervisor/shutdown.js";
import { ensureStarted } from "./supervisor-start.js";
import { stopInstance } from "./supervisor-stop.js";
import { forgetEndedJob } from "../slurm/job-file.js";

/** Run the instance detached on this host. */
export const detachedBackend: Backend = {
  kind: "detached",
  start: (flags, ctx) => {
    // `--scheduler none` takes an instance that ran as a batch job back to this host.
    if (flags.scheduler === "none") forgetEndedJob(ctx.env, flags.name);
    return ensureStarted(resolveStartOptions(flags, ctx), ctx);
  },
  async stop(view) {
    if (!view.supervisorAlive && !view.jupyterAlive) {
      // Supervisor and Jupyter died uncleanly: kernels they left (identity-checked, never a reused PID) go too.
      const orphans = view.record && !view.report.elsewhere ? await killOrphans(view.record.children ?? []) : 0;
      return `jlremote: instance '${view.report.name}' is not running (${view.report.state})${orphans > 0 ? `; killed ${orphans} orphaned kernel process(es)` : ""}`;
    }
    await stopInstance(view);
    return `jlremote: stopped '${view.report.name}'`;
  },
  async restart(view, ctx) {
    const done = await restartUnderSupervisor(view, ctx);
    if (done) return done;
    if (view.jupyterAlive) await stopInstance(view);
    return ensureStarted((view.record as NonNullable<typeof view.record>).options, ctx);
  },
  observe: observeLocal,
  details: (base) => ({ ...base, backend: "detached" }),
  settle: async (view) => view,
};

export { ensureStarted, stopInstance };
