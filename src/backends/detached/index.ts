// The detached backend: a supervisor in its own session on this host (`jlremote start` without a scheduler).
import type { Backend } from "../backend.js";
import { observeHere, restartUnderSupervisor } from "../this-host.js";

// start, stop and restart load their modules when called: status and url (the fast path) never initialise them.
const starting = () => import("./supervisor-start.js");
const stopping = () => import("./supervisor-stop.js");
const resolving = () => import("../../instance/start-options.js");

/** Run the instance detached on this host. */
export const detachedBackend: Backend = {
  kind: "detached",
  async start(flags, ctx) {
    const [{ resolveStart }, { mergeRemembered }, { ensureStarted }] = await Promise.all([
      resolving(),
      import("../../core/settings.js"),
      starting(),
    ]);
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
    const head = wasRunning ? `stopped '${name}'` : `instance '${name}' is not running (${view.report.state})`;
    // Signal first; the rest of a stop is loaded only when the supervisor did not exit (no CPU taken from Jupyter's
    // shutdown meanwhile).
    const sup = view.record?.supervisor;
    if (view.supervisorAlive && sup) {
      const end = await import("./supervisor-end.js");
      const ended = await end.endSupervisor(sup, view.paths.dir, view.record?.options.stopTimeoutMs ?? 0);
      if (await ended.gone) return end.stopMessage(head, end.supervisorStopped(view.paths.stateFile));
      const { stopInstance } = await stopping();
      return end.stopMessage(head, await stopInstance(view, ctx, ended));
    }
    const { stopInstance, stopMessage } = await stopping();
    // Anything alive (an unsupervised Jupyter too) or left by a crash is stopped here.
    return stopMessage(head, await stopInstance(view, ctx));
  },
  async restart(view, ctx) {
    const record = view.record as NonNullable<typeof view.record>;
    // The settings as they are now (remembered, config file; root dir: the recorded one unless set), validated before
    // anything is signalled: a bad setting stops nothing. A live supervisor reads them again itself.
    const [{ resolveStart }, { ensureStarted }, { stopInstance }] = await Promise.all([
      resolving(),
      starting(),
      stopping(),
    ]);
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
