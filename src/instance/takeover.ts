// What a new supervisor takes over from the instance's last one: a live unsupervised Jupyter (adopt), or a crashed
// instance's URL and leftovers (resume). Pure decisions over the view; only recordedOptions reads settings.
import type { ProcessIdentity, StateRecord } from "../core/types.js";
import { recordedOptions, type ResolveContext } from "./start-options.js";
import type { InstanceView } from "./view.js";

/** A crashed instance's token, port, marker and kernel keepers: its URL keeps working, its leftovers are found. */
export interface Resume {
  /** null: a new token (the last supervisor gave up, e.g. its --port taken by another user, who then got the old URL). */
  token: string | null;
  port: number | null;
  instanceId: string | null;
  keepers: ProcessIdentity[];
}

/** What to take over: at most one of the two. */
export interface Takeover {
  adopt?: StateRecord;
  resume?: Resume;
}

/**
 * Take over from `view`; `jobId` is this process's job id under a scheduler (null outside a job): a requeued batch job
 * (the same job id, run again) keeps its token, so the next jllocal finds it on its new node.
 */
export async function takeover(view: InstanceView, jobId: string | null, ctx: ResolveContext): Promise<Takeover> {
  // Supervisor gone but Jupyter alive (OOM killer, admin): take it over, kernels untouched.
  const adopt =
    !view.supervisorAlive && view.jupyterAlive && view.record
      ? { ...view.record, options: await recordedOptions(view.record.options, ctx) }
      : undefined;
  // Supervisor and Jupyter died (OOM killer, a systemd restart): come back on the same URL; a clean stop rotates it.
  const requeued = view.record?.job != null && jobId !== null && view.record.job.id === jobId;
  const resume =
    !adopt && view.record && (view.record.state !== "stopped" || requeued)
      ? {
          // A supervisor that gave up (e.g. its --port taken by another user) handed the old URL to whoever holds it.
          token: view.record.state === "failed" && !requeued ? null : view.record.token,
          port: view.record.port,
          instanceId: view.record.instanceId ?? null,
          keepers: view.record.keepers ?? [],
        }
      : undefined;
  return { adopt, resume };
}
