// `jlremote status` and `jlremote url`: read the state, check PIDs, print; never starts anything.
import { statusExitCode } from "../core/status-report.js";
import type { ExitCode } from "../core/errors.js";
import type { CommandContext, NameOption } from "./context.js";
import { inspect } from "./instance-status.js";
import { renderStatusText } from "./render.js";

/** Print the instance status (one JSON line with --json); exit 0 only when Jupyter runs and answers. */
export function statusCommand(flags: NameOption & { json: boolean }, ctx: CommandContext): ExitCode {
  const view = inspect(ctx.env, flags.name, ctx.version);
  if (view.corrupt !== null) ctx.err(`jlremote: ${view.report.reason}`);
  if (flags.json) ctx.out(JSON.stringify(view.report));
  else for (const line of renderStatusText(view.report)) ctx.out(line);
  return statusExitCode(view.report);
}

/** Print the URL alone (nothing, exit 3, when not running). */
export function urlCommand(flags: NameOption, ctx: CommandContext): ExitCode {
  const view = inspect(ctx.env, flags.name, ctx.version);
  const code = statusExitCode(view.report);
  if (code === 0 && view.report.url) ctx.out(view.report.url);
  else ctx.err(`jlremote: instance '${flags.name}' is ${view.report.state}${view.report.elsewhere ? ` on ${view.report.host}` : ""}; \`jlremote start --name ${flags.name}\` starts it`);
  return code;
}
