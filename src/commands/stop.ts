// `jlremote stop` and `jlremote restart`: through the instance's backend.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { backendFor } from "../backends/choose.js";
import type { CommandContext, NameOption } from "./context.js";
import { inspect, inspectSettled, type InstanceView } from "./instance-status.js";

export { stopInstance } from "../backends/detached/index.js";

/** What a stop did besides stopping the supervisor and Jupyter. */
export interface StopOutcome {
  /** Processes killed by the stop itself (orphans of a crashed instance); a live supervisor's own cleanup is not counted. */
  killed: number;
  /** Detached processes left running, as described by the cleanup or recorded by the supervisor. */
  detached: string[] | number;
}

/** Stop the instance and every process of its tree; exit 0 also when nothing was running. */
export async function stopCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const view = await inspectSettled(ctx, flags.name);
  refuseElsewhere(view);
  ctx.err(await backendFor(ctx.env, flags.name).stop(view, ctx));
  return ExitCode.ok;
}

/** Restart Jupyter (same port and token) under a live supervisor, or start the instance again from its options. */
export async function restartCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const view = inspect(ctx.env, flags.name, ctx.version);
  refuseElsewhere(view);
  if (view.record === null)
    throw new JlremoteError(
      `instance '${flags.name}' was never started; use \`jlremote start --name ${flags.name}\``,
      ExitCode.notRunning,
    );
  const started = await backendFor(ctx.env, flags.name).restart(view, ctx);
  ctx.out(started.report.url ?? "");
  return ExitCode.ok;
}

function refuseElsewhere(view: InstanceView): void {
  if (view.report.elsewhere) {
    throw new JlremoteError(
      `instance '${view.report.name}' runs on host ${view.report.host}, not here; run jlremote on ${view.report.host}`,
      ExitCode.elsewhere,
    );
  }
}
