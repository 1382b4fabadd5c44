// The detached backend: a supervisor in its own session on this host (`jlremote start` without a scheduler).
import type { Backend } from "../backend.js";
import { observeHere, restartUnderSupervisor } from "../this-host.js";
import { mergeRemembered } from "../../core/settings.js";
import { resolveStart } from "../../instance/start-options.js";
import { ensureStarted } from "./supervisor-start.js";
import { stopInstance, stopMessage } from "./supervisor-stop.js";

/** Run the instance detached on this host. */
export const detachedBackend: Backend = {
  kind: "detached",
  async start(flags, ctx) {
    const r = await resolveStart(flags, ctx, { reset: flags.reset === true });
    // `--scheduler none` takes an instance that ran as a batch job back to this host.
    if (flags.scheduler === "none") ctx.forgetEndedJobs(flags.name);
    // The options of the last explicit start are the instance's settings (merged over what was remembered).
    const remember =
      flags.reset === true || Object.keys(r.cli).length > 0 ? mergeRemembered(r.remembered, r.cli) : null;
    // A root dir that is only the current directory (no setting) does not count as a different option.
    return ensureStarted(r.options, ctx, remember, r.from.rootDir !== undefined);
  },
  async stop(view, ctx) {
    const name = view.report.name;
    const wasRunning = view.supervisorAlive || view.jupyterAlive;
    // Anything alive (an unsupervised Jupyter too) or left by a crash is stopped here.
    const out = await stopInstance(view, ctx);
    return stopMessage(
      wasRunning ? `stopped '${name}'` : `instance '${name}' is not running (${view.report.state})`,
      out,
    );
  },
  async restart(view, ctx) {
    const record = view.record as NonNullable<typeof view.record>;
    // The settings as they are now (remembered, config file; root dir: the recorded one unless set), validated before
    // anything is signalled: a bad setting stops nothing. A live supervisor reads them again itself.
    const { options } = await resolveStart({ name: record.name }, ctx, { defaultRootDir: record.options.rootDir });
    const done = await restartUnderSupervisor(view, ctx);
    if (done) return done;
    if (view.jupyterAlive) await stopInstance(view, ctx);
    return ensureStarted(options, ctx);
  },
  observe: observeHere,
  details: (base) => ({ ...base, backend: "detached" }),
  settle: async (view) => view,
};

export { ensureStarted, stopInstance };
