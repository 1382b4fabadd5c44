// jllocal entry point: runs one command and maps errors to exit codes (the only place that sets them). The canonical
// `jllocal [HOST] [--flags]` skips yargs; everything else goes through src/jllocal-commands.ts, loaded lazily (the
// bundle embeds it packed, see scripts/build.mjs).
import { errorOutcome, type ExitCode } from "./core/errors.js";
import { parseFastConnect } from "./core/local-argv.js";
import { chooseExit } from "./io/exit-now.js";
import { flushed, lineWriter, progressWriter } from "./io/output.js";
import type { LocalContext } from "./local/context.js";

declare const __JLREMOTE_VERSION__: string | undefined;
const version = typeof __JLREMOTE_VERSION__ === "string" ? __JLREMOTE_VERSION__ : "0.0.0-dev";

const ctx: LocalContext = {
  env: process.env,
  out: lineWriter(() => process.stdout),
  err: lineWriter(() => process.stderr),
  progress: progressWriter(() => process.stderr),
  platform: process.platform,
  version,
};

/** Parse, run, and return the exit code; every error becomes one line on stderr. */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    const fast = parseFastConnect(argv);
    if (fast !== null) {
      const [{ connectCommand }, { connectFlags }] = await Promise.all([
        import("./local/connect.js"),
        import("./local/connect-flags.js"),
      ]);
      return await connectCommand(connectFlags(fast), ctx);
    }
    return await (await import("./jllocal-commands.js")).runCommandLine(argv, ctx);
  } catch (err) {
    const { lines, exitCode } = errorOutcome("jllocal", err);
    for (const line of lines) ctx.err(line);
    return exitCode;
  }
}

void main(process.argv.slice(2)).then(async (code) => {
  process.exitCode = code;
  // Its result and diagnostics are out: the exit does not wait for node's teardown of the handles the run used (the
  // ssh children's pipes, signal watchers: ~8 ms of a cold run). A browser opener still running was spawned detached.
  await flushed();
  chooseExit()(code);
});
