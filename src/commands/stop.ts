// `jlremote stop` and `jlremote restart`: through the instance's backend.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { backendContext, backendFor, inspect, inspectSettled } from "../backends/registry.js";
import type { CommandContext, NameOption } from "../context.js";
import type { InstanceView } from "../instance/view.js";
import { requestNewCredentials } from "../io/credentials-request.js";
import { instancePaths } from "../io/paths.js";

/** Stop the instance and every process of its tree; exit 0 also when nothing was running. */
export async function stopCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const view = await inspectSettled(ctx, flags.name);
  refuseElsewhere(view);
  ctx.err(await backendFor(ctx.env, flags.name).stop(view, backendContext(ctx)));
  return ExitCode.ok;
}

/**
 * Restart Jupyter (same port and token; new ones with --new-credentials) under a live supervisor, or start the
 * instance again from its options.
 */
export async function restartCommand(
  flags: NameOption & { newCredentials?: boolean },
  ctx: CommandContext,
): Promise<ExitCode> {
  const view = inspect(ctx.env, flags.name, ctx.version);
  refuseElsewhere(view);
  if (view.record === null)
    throw new JlremoteError(
      `instance '${flags.name}' was never started; use \`jlremote start --name ${flags.name}\``,
      ExitCode.notRunning,
    );
  // Taken by the supervisor before Jupyter serves again, whichever way the backend restarts it.
  if (flags.newCredentials) requestNewCredentials(instancePaths(ctx.env, flags.name).dir);
  const started = await backendFor(ctx.env, flags.name).restart(view, backendContext(ctx));
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
