// Follows a submitted job until Jupyter answers on its node: a line per state change on stderr (qw, hqw, r, ...);
// Ctrl-C (or jllocal's end) while it waits in the queue deletes it.
import { ExitCode, JlremoteError } from "../../core/errors.js";
import type { InstanceOptions } from "../../core/types.js";
import type { InstanceView } from "../../instance/view.js";
import type { BackendContext } from "../backend.js";
import { join } from "node:path";
import { tailLines } from "../../io/logs.js";
import { CANCEL_ON_EOF } from "../backend.js";
import { readJob, writeJob } from "./job-file.js";
import { progressLine } from "./job-view.js";
import { settleJob } from "./settle.js";
import { deleteAndConfirm } from "./stop.js";

/** Wait until the job's Jupyter is ready; throws with the end reason (and log tails) if the job ends first. */
export async function waitForJob(
  ctx: BackendContext,
  options: InstanceOptions,
  jobId: string,
  submitted: boolean,
): Promise<InstanceView> {
  const started = Date.now();
  let interrupted = false;
  const onInt = () => {
    interrupted = true;
  };
  process.on("SIGINT", onInt);
  const onEof = ctx.env[CANCEL_ON_EOF] === "1" && !process.stdin.isTTY;
  if (onEof) process.stdin.on("end", onInt).on("error", onInt).resume();
  let last = "";
  let runningSince: number | null = null;
  const limitMs = options.readyTimeoutMs + options.stopTimeoutMs + 30_000;
  try {
    for (;;) {
      const view = await settleJob(ctx.inspect(options.name), ctx);
      const r = view.report;
      if (r.jobId !== jobId)
        throw new JlremoteError(`instance '${options.name}' no longer follows job ${jobId} (now ${r.jobId ?? "none"})`);
      const starting = r.state === "starting" || r.state === "restarting";
      const shown = `${r.jobState ?? (submitted ? "submitted" : "?")}${starting ? ` on ${r.node ?? "?"}, Jupyter starting` : ""}`;
      if (`${shown}|${r.jobReason ?? ""}` !== last) {
        ctx.err(progressLine(jobId, shown, r.jobReason ?? null, (Date.now() - started) / 1000));
        last = `${shown}|${r.jobReason ?? ""}`;
      }
      if (r.state === "running") return view;
      if (r.endReason)
        throw new JlremoteError(`job ${jobId} ended before Jupyter was ready: ${r.endReason}`, ExitCode.failure, {
          detail: jobLogTail(view),
        });
      if (r.state === "failed")
        throw new JlremoteError(
          `Jupyter did not start in job ${jobId}: ${r.reason ?? "failed"}; \`jlremote stop --name ${options.name}\` deletes the job`,
          ExitCode.failure,
          { detail: jobLogTail(view) },
        );
      if (interrupted) {
        if (r.state === "pending") {
          await cancelQueued(ctx, options.name, jobId);
          throw new JlremoteError(`interrupted: deleted job ${jobId} while it was queued`, ExitCode.interrupted);
        }
        throw new JlremoteError(
          `interrupted: job ${jobId} keeps running; \`jlremote status --name ${options.name}\` follows it, \`jlremote stop --name ${options.name}\` ends it`,
          ExitCode.interrupted,
        );
      }
      if (r.state !== "pending") runningSince ??= Date.now();
      if (runningSince !== null && Date.now() - runningSince > limitMs)
        throw new JlremoteError(
          `Jupyter in job ${jobId} was not ready in time (${r.state}); see \`jlremote logs --name ${options.name}\``,
          ExitCode.failure,
          { detail: jobLogTail(view) },
        );
      await new Promise((res) => setTimeout(res, r.state === "pending" ? 1000 : 250));
    }
  } finally {
    process.off("SIGINT", onInt);
    if (onEof) process.stdin.off("end", onInt).destroy();
  }
}

/** qdel a queued job, wait until qstat forgets it (bounded), record the end. */
async function cancelQueued(ctx: BackendContext, name: string, jobId: string): Promise<void> {
  await deleteAndConfirm(jobId, ctx, 30_000).catch((err: Error) => ctx.err(`jlremote: ${err.message}`));
  const job = readJob(ctx.env, name);
  if (job && job.jobId === jobId)
    writeJob(ctx.env, name, {
      ...job,
      end: {
        jobState: "DELETED",
        reason: "deleted while queued (Ctrl-C on start)",
        exitCode: null,
        at: new Date().toISOString(),
        accounted: false,
      },
    });
}

/** The last lines of the job's output and Jupyter's log, for an error. */
function jobLogTail(view: InstanceView): string | undefined {
  const parts = [
    ["job output", join(view.paths.dir, "job.out")],
    ["jupyter", view.paths.jupyterLogFile],
  ].flatMap(([label, file]) => {
    const t = tailLines(file as string, 10);
    return t ? [`--- last lines of ${label} (${file}) ---\n${t}`] : [];
  });
  return parts.length ? parts.join("\n") : undefined;
}
