// Entry point: runs one command and maps errors to exit codes (the only place that sets them). `status`/`url` with
// only --json/--name take a fast path; everything else goes through yargs (src/cli-commands.ts), loaded lazily.
import { writeSync } from "node:fs";
import type { CommandContext } from "./commands/context.js";
import { errorOutcome, type ExitCode } from "./core/errors.js";
import { parseFastStatus } from "./core/fast-argv.js";
import { lineWriter } from "./io/output.js";

declare const __JLREMOTE_VERSION__: string | undefined;
const version = typeof __JLREMOTE_VERSION__ === "string" ? __JLREMOTE_VERSION__ : "0.0.0-dev";

const ctx: CommandContext = {
  env: process.env,
  cwd: process.cwd(),
  out: lineWriter(() => process.stdout),
  err: lineWriter(() => process.stderr),
  version,
  self: [process.execPath, ...process.execArgv, process.argv[1] ?? ""],
};

/** Parse, run, and return the exit code; every error becomes one line on stderr. */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    const fast = parseFastStatus(argv);
    if (fast !== null) {
      const status = await import("./commands/status.js");
      const fastCtx = { ...ctx, out: writeStdout };
      return fast.command === "status" ? await status.statusCommand(fast, fastCtx) : await status.urlCommand(fast, fastCtx);
    }
    // The bundle embeds this module as source compiled on first use (scripts/build.mjs), so status never parses it.
    return await (await import("./cli-commands.js")).runCommandLine(argv, ctx);
  } catch (err) {
    const { lines, exitCode } = errorOutcome("jlremote", err);
    for (const line of lines) ctx.err(line);
    return exitCode;
  }
}

/** One line straight to fd 1 (process.stdout would load node:stream, a few ms of the status path). */
function writeStdout(line: string): void {
  const data = Buffer.from(`${line}\n`);
  let off = 0;
  try {
    while (off < data.length) off += writeSync(1, data, off);
  } catch (err) {
    // A non-blocking pipe that is full: let the stream finish the line; a closed reader (EPIPE) gets nothing.
    if ((err as NodeJS.ErrnoException).code === "EAGAIN") process.stdout.write(data.subarray(off));
  }
}

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
