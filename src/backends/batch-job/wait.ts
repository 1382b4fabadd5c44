// Follows a submitted job until Jupyter answers on its node: its state on ctx.progress (a live line on a TTY, a line
// per change elsewhere); Ctrl-C (or jllocal's end) while it waits in the queue cancels it. Woken by the supervisor's
// writes of state.json; the scheduler is asked only while the files cannot answer, at most once a second (wait-pace.ts).
import { basename, dirname, join } from "node:path";
import { ExitCode, JlremoteError } from "../../core/errors.js";
import type { InstanceOptions } from "../../core/types.js";
import type { InstanceView } from "../../instance/view.js";
import { watchFile } from "../../io/dir-watch.js";
import { tailLines } from "../../io/logs.js";
import { instancePaths } from "../../io/paths.js";
import { type BackendContext, CANCEL_ON_EOF } from "../backend.js";
import type { BatchJobRecord } from "./job-file.js";
import { progressLine, shownState } from "./job-view.js";
import type { BatchJobKind } from "./kind.js";
import { askEveryMs, firstAskAt, lookAfterMs } from "./wait-pace.js";

/** Wait until the job's Jupyter is ready; throws with the end reason (and log tails) if the job ends first. */
export async function waitForJob<R extends BatchJobRecord>(
  kind: BatchJobKind<R>,
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
  const name = options.name;
  let runningSince: number | null = null;
  const limitMs = options.readyTimeoutMs + options.stopTimeoutMs + 30_000;
  const { stateFile } = instancePaths(ctx.env, name);
  const dirWatch = watchFile(dirname(stateFile), basename(stateFile));
  let askAt = firstAskAt(submitted, started);
  try {
    for (;;) {
      const asking = Date.now() >= askAt;
      const view = asking ? await kind.settle(ctx.inspect(name), ctx) : ctx.inspect(name);
      if (asking) askAt = Date.now() + askEveryMs;
      const r = view.report;
      if (r.jobId !== jobId)
        throw new JlremoteError(
          `instance '${name}' no longer follows job ${jobId} (now ${r.jobId ?? "none"}); see \`jlremote status --name ${name}\``,
        );
      const jobState = r.jobState ?? (submitted ? kind.words.submitted : kind.words.unknown);
      const shown = shownState(r, jobState);
      const now = Date.now();
      const estimate = r.expectedStartAt && kind.estimate ? kind.estimate(r.expectedStartAt, now) : "";
      const line = progressLine(jobId, shown, r.jobReason ?? null, (now - started) / 1000, estimate);
      ctx.progress.show(line, `${shown}|${r.jobReason ?? ""}`);
      if (r.state === "running") return view;
      if (r.endReason)
        throw new JlremoteError(`job ${jobId} ended before Jupyter was ready: ${r.endReason}`, ExitCode.failure, {
          detail: jobLogTail(view),
        });
      if (r.state === "failed")
        throw new JlremoteError(
          `Jupyter did not start in job ${jobId}: ${r.reason ?? "failed"}; \`jlremote stop --name ${name}\` ${kind.words.stopDoes} the job`,
          ExitCode.failure,
          { detail: jobLogTail(view) },
        );
      if (interrupted) {
        ctx.progress.done();
        if (r.state === "pending") {
          await kind.cancelQueued(jobId, ctx);
          const job = kind.jobs.read(ctx.env, name);
          if (job && job.jobId === jobId)
            kind.jobs.write(ctx.env, name, { ...job, end: kind.queuedEnd(new Date().toISOString()) });
          throw new JlremoteError(
            `interrupted: ${kind.words.cancelled} job ${jobId} while it was queued`,
            ExitCode.interrupted,
          );
        }
        throw new JlremoteError(
          `interrupted: job ${jobId} keeps running (${jobState}); \`jlremote status --name ${name}\` follows it, \`jlremote stop --name ${name}\` ends it`,
          ExitCode.interrupted,
        );
      }
      if (r.state !== "pending") runningSince ??= Date.now();
      if (runningSince !== null && Date.now() - runningSince > limitMs)
        throw new JlremoteError(
          `Jupyter in job ${jobId} was not ready in time (${r.state}); see \`jlremote logs --name ${name}\``,
          ExitCode.failure,
          { detail: jobLogTail(view) },
        );
      await dirWatch.next(lookAfterMs(r.state, askAt, Date.now()));
    }
  } finally {
    dirWatch.close();
    ctx.progress.done();
    process.off("SIGINT", onInt);
    // Nothing else reads stdin: let it go, so it does not keep the process alive.
    if (onEof) process.stdin.off("end", onInt).destroy();
  }
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
