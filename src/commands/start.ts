// `jlremote start`: start (or find) the instance through its backend and print the URL once Jupyter answers.
import { EARLY_TARGET_ENV, earlyTargetLine } from "../core/early-target.js";
import { ExitCode } from "../core/errors.js";
import { withProfile } from "../core/profiles.js";
import { validateName } from "../io/paths.js";
import { readProfile } from "../io/settings-file.js";
import type { StartFlags } from "../backends/backend.js";
import { backendContext, backendFor, schedulerNames } from "../backends/registry.js";
import type { CommandContext } from "../context.js";

export type { StartFlags } from "../backends/backend.js";

/** Start the instance unless it runs; print its URL (or status JSON). */
export async function startCommand(given: StartFlags, ctx: CommandContext): Promise<ExitCode> {
  // A profile is shorthand for options (the command line wins); it may pick the scheduler, so it comes first.
  const flags =
    given.profile === undefined ? given : withProfile(given, readProfile(ctx.env, given.profile, schedulerNames));
  const backend = backendFor(ctx.env, validateName(flags.name), flags.scheduler);
  const bctx = backendContext(ctx);
  // jllocal asks where Jupyter will listen before it answers (its forward then overlaps Jupyter's start).
  if (ctx.env[EARLY_TARGET_ENV] === "1") bctx.onListening = (target) => ctx.err(earlyTargetLine(target));
  const view = await backend.start(flags, bctx);
  if (flags.json) ctx.out(JSON.stringify(view.report));
  else if (view.report.url) ctx.out(view.report.url);
  return ExitCode.ok;
}
