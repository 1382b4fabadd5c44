// Follows a submitted job until Jupyter answers on its node: a line per change on stderr (a live line on a TTY);
// Ctrl-C while it is queued cancels it.
import { ExitCode, JlremoteError } from "../../core/errors.js";
import type { InstanceOptions } from "../../core/types.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";
import { readJob, writeJob } from "./job-file.js";
import { progressLine } from "./job-view.js";
import { phaseOf } from "./job-state.js";
import { scancel, showJob } from "./slurm-commands.js";
import { settleJob } from "./settle.js";
import { join } from "node:path";
import { tailLines } from "../../io/logs.js";

/** Set (to 1) by jllocal on the remote start it runs with a held stdin: EOF there means jllocal ended (Ctrl-C). */
export const CANCEL_ON_EOF = "JLREMOTE_CANCEL_ON_EOF";

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
  // Run by jllocal over ssh (JLREMOTE_CANCEL_ON_EOF=1, stdin a pipe it holds): its end (Ctrl-C) reads as EOF here.
  const onEof = ctx.env[CANCEL_ON_EOF] === "1" && !process.stdin.isTTY;
  if (onEof) process.stdin.on("end", onInt).on("error", onInt).resume();
  const tty = process.stderr.isTTY === true;
  let last = "";
  let runningSince: number | null = null;
  try {
    for (;;) {
      const view = await settleJob(ctx.inspect(options.name), ctx);
      const r = view.report;
      if (r.jobId !== jobId)
        throw new JlremoteError(
          `instance '${options.name}' no longer follows job ${jobId} (now ${r.jobId ?? "none"}); see \`jlremote status --name ${options.name}\``,
        );
      const jobState = r.jobState ?? (submitted ? "SUBMITTED" : "UNKNOWN");
      const shown =
        r.state === "starting" || r.state === "restarting"
          ? `${jobState} on ${r.node ?? "?"}, Jupyter starting`
          : jobState;
      const key = `${shown}|${r.jobReason ?? ""}`;
      if (key !== last) {
        if (tty) process.stderr.write("\r\x1b[K");
        ctx.err(
          progressLine(jobId, shown, r.jobReason ?? null, (Date.now() - started) / 1000, {
            at: r.expectedStartAt ?? null,
            now: Date.now(),
          }),
        );
        last = key;
      } else if (tty) {
        process.stderr.write(
          `\r\x1b[K${progressLine(jobId, shown, r.jobReason ?? null, (Date.now() - started) / 1000, { at: r.expectedStartAt ?? null, now: Date.now() })}`,
        );
      }
      if (r.state === "running") {
        if (tty) process.stderr.write("\r\x1b[K");
        return view;
      }
      if (r.endReason)
        throw new JlremoteError(`job ${jobId} ended before Jupyter was ready: ${r.endReason}`, ExitCode.failure, {
          detail: jobLogTail(view),
        });
      if (r.state === "failed" && view.record?.job?.id === jobId) {
        throw new JlremoteError(
          `Jupyter did not start in job ${jobId}: ${r.reason ?? "failed"}; \`jlremote stop --name ${options.name}\` ends the job`,
          ExitCode.failure,
          { detail: jobLogTail(view) },
        );
      }
      if (interrupted) {
        if (tty) process.stderr.write("\r\x1b[K");
        if (r.state === "pending") {
          await cancelQueued(ctx, options.name, jobId);
          throw new JlremoteError(`interrupted: cancelled job ${jobId} while it was queued`, ExitCode.interrupted);
        }
        throw new JlremoteError(
          `interrupted: job ${jobId} keeps running (${jobState}); \`jlremote status --name ${options.name}\` follows it, \`jlremote stop --name ${options.name}\` ends it`,
          ExitCode.interrupted,
        );
      }
      if (r.state !== "pending") runningSince ??= Date.now();
      if (
        runningSince !== null &&
        Date.now() - runningSince > options.readyTimeoutMs + options.stopTimeoutMs + 30_000
      ) {
        throw new JlremoteError(
          `Jupyter in job ${jobId} was not ready in time (${r.state}); see \`jlremote logs --name ${options.name}\``,
          ExitCode.failure,
          { detail: jobLogTail(view) },
        );
      }
      await new Promise((res) => setTimeout(res, r.state === "pending" ? 1000 : 200));
    }
  } finally {
    process.off("SIGINT", onInt);
    // Nothing else reads stdin: let it go, so it does not keep the process alive.
    if (onEof) process.stdin.off("end", onInt).destroy();
  }
}

/** scancel a queued job and record its end once Slurm confirms it (bounded). */
async function cancelQueued(ctx: BackendContext, name: string, jobId: string): Promise<void> {
  await scancel(jobId, ctx.env);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const q = await showJob(jobId, ctx.env);
    if (q.kind === "gone" || (q.kind === "known" && phaseOf(q.info.jobState) === "ended")) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const job = readJob(ctx.env, name);
  if (job && job.jobId === jobId)
    writeJob(ctx.env, name, {
      ...job,
      end: {
        jobState: "CANCELLED",
        reason: "cancelled while queued (Ctrl-C on start)",
        exitCode: null,
        at: new Date().toISOString(),
      },
    });
}

/** The last lines of the job's output and Jupyter's log, for an error. */
function jobLogTail(view: InstanceView): string | undefined {
  const parts: string[] = [];
  for (const [label, file] of [
    ["job output", join(view.paths.dir, "job.out")],
    ["jupyter", view.paths.jupyterLogFile],
  ] as const) {
    const t = tailLines(file, 10);
    if (t) parts.push(`--- last lines of ${label} (${file}) ---\n${t}`);
  }
  return parts.length ? parts.join("\n") : undefined;
}
