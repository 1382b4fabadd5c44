// The supervisor's own command tree: `jlremote run` in its canonical form (what start, a systemd unit and a batch job
// spawn), packed apart from the full command line (src/cli-commands.ts) so a supervisor's node compiles about half.
import type { ExitCode } from "./core/errors.js";
import { parseCanonical } from "./core/fast-argv.js";
import { runOptions, startOptions } from "./core/instance-option-table.js";
import { joinDashValues, parserSpecs } from "./core/option-table.js";
import { startFlags } from "./core/start-flags.js";
import type { CommandContext } from "./context.js";

/** Run a canonical `run …` argv; null for any other (the full command line parses it, help and errors included). */
export async function runCanonical(argv0: string[], ctx: CommandContext): Promise<ExitCode | null> {
  const [command, ...rest] = joinDashValues(argv0, [startOptions]);
  if (command !== "run") return null;
  const parsed = parseCanonical(rest, parserSpecs(runOptions));
  if (parsed === null) return null;
  return (await import("./commands/run.js")).runCommand(startFlags(parsed), ctx);
}

/** Evaluate the supervisor's modules ahead: a warm supervisor does it while it waits (src/io/warm-supervisor.ts). */
export async function preloadRun(): Promise<void> {
  await import("./commands/run.js");
}
