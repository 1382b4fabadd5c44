// The systemd backend: the instance is the user service jlremote@NAME (installed by `jlremote service install`).
import { unitName } from "../../core/systemd-unit.js";
import { validateStartOptions } from "../../core/instance-options.js";
import type { Backend } from "../backend.js";
import { observeHere, restartUnderSupervisor } from "../this-host.js";

// Loaded when called: status and url (the fast path) never initialise them.
const control = () => import("./service-control.js");
const stopping = () => import("../detached/supervisor-stop.js");

/** Run the instance through `systemctl --user`. */
export const systemdBackend: Backend = {
  kind: "systemd",
  async start(flags, ctx) {
    ctx.warmSupervisor?.letGo(); // systemd runs the supervisor
    // Options come from the unit; resolving them here could fail where the service works (another PATH),
    // but a malformed one is still a usage error, as for a detached instance.
    validateStartOptions(flags, ctx.schedulerNames);
    const { ignoredOptionNotes, startService } = await control();
    for (const line of ignoredOptionNotes(flags)) ctx.err(line);
    return startService(ctx, flags.name);
  },
  async stop(view, ctx) {
    const name = view.report.name;
    const wasRunning = view.supervisorAlive || view.jupyterAlive;
    const [{ stopService }, { stopInstance, stopMessage }] = await Promise.all([control(), stopping()]);
    // Always through systemd, also when nothing runs: a unit waiting to restart a failed supervisor stops too.
    await stopService(ctx, name);
    const after = ctx.inspect(name);
    // Anything still alive (a `jlremote run` by hand, an unsupervised Jupyter) or left by a crash is stopped here.
    const out = await stopInstance(after, ctx);
    return stopMessage(
      wasRunning
        ? `stopped '${name}' (systemctl --user stop ${unitName(name)})`
        : `instance '${name}' is not running (${view.report.state}); ${unitName(name)} is stopped`,
      out,
    );
  },
  async restart(view, ctx) {
    const done = await restartUnderSupervisor(view, ctx);
    if (done) return done;
    const [{ startService }, { stopInstance }] = await Promise.all([control(), stopping()]);
    if (view.jupyterAlive) await stopInstance(view, ctx);
    return startService(ctx, view.report.name);
  },
  observe: observeHere,
  details: (base) => ({ ...base, backend: "systemd" }),
  settle: async (view) => view,
};
