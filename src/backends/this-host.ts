// A supervisor on this host (not a batch job elsewhere): its liveness, and a restart under it (SIGUSR2: same port and token); shared by detached and systemd.
import { JlremoteError } from "../core/errors.js";
import { restartDone, type RestartProgress } from "../core/restart-policy.js";
import { signalOne } from "../io/process-tree.js";
import { isAlive } from "../io/process-identity.js";
import type { StateRecord } from "../core/types.js";
import type { InstanceView, Observed } from "../instance/view.js";
import type { BackendContext } from "./backend.js";

/** SIGUSR2 to the live supervisor and wait for a new Jupyter; null when there is no live supervisor to ask. */
export async function restartUnderSupervisor(view: InstanceView, ctx: BackendContext): Promise<InstanceView | null> {
  const record = view.record;
  if (!record || !view.supervisorAlive || !record.supervisor || view.report.state === "stopped") return null;
  const progress = (v: InstanceView): RestartProgress => ({
    state: v.report.state,
    supervisorPid: v.record?.supervisor?.pid ?? null,
    jupyterPid: v.report.jupyterPid,
    reloads: v.record?.reloads,
  });
  const before = progress(view);
  signalOne(record.supervisor, "SIGUSR2");
  const deadline = Date.now() + record.options.stopTimeoutMs + record.options.readyTimeoutMs + 5000;
  for (;;) {
    const now = ctx.inspect(record.name);
    if (restartDone(before, progress(now))) return now;
    if (!now.supervisorAlive || now.report.state === "failed")
      throw new JlremoteError(
        `restart failed: ${now.report.reason ?? now.report.state}; see \`jlremote logs --name ${record.name}\``,
      );
    if (Date.now() > deadline) throw new JlremoteError("restart did not finish in time; see `jlremote logs`");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Liveness of a record's processes on this host (identity-checked PIDs). */
export function observeHere(record: StateRecord): Observed {
  return { supervisorAlive: isAlive(record.supervisor), jupyterAlive: isAlive(record.jupyter), hostBound: true };
}
