// Entry point: runs one command and maps errors to exit codes (the only place that sets them). `status`/`url` with
// only --json/--name and `stop` with only --name take a fast path; everything else goes through yargs
// (src/cli-commands.ts), loaded lazily.
import { writeSync } from "node:fs";
import type { CommandContext } from "./context.js";
import { errorOutcome, type ExitCode } from "./core/errors.js";
import { parseFastStatus, parseFastStop, parseOrStart } from "./core/fast-argv.js";
import { unparkAfterNodeStart } from "./core/node-startup-env.js";
import { OR_START_ENV, START_MARKER } from "./core/ssh-command.js";
import { lineWriter, progressWriter } from "./io/output.js";

declare const __JLREMOTE_VERSION__: string | undefined;
const version = typeof __JLREMOTE_VERSION__ === "string" ? __JLREMOTE_VERSION__ : "0.0.0-dev";

const ctx: CommandContext = {
  env: process.env,
  cwd: process.cwd(),
  out: lineWriter(() => process.stdout),
  err: lineWriter(() => process.stderr),
  progress: progressWriter(() => process.stderr),
  version,
  self: [process.execPath, ...process.execArgv, process.argv[1] ?? ""],
};

/** Parse, run, and return the exit code; every error becomes one line on stderr. */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    // jllocal's cold path (src/core/ssh-command.ts): never inherited by the supervisor, Jupyter or its kernels.
    const orStart = parseOrStart(ctx.env[OR_START_ENV]);
    delete ctx.env[OR_START_ENV];
    unparkAfterNodeStart(ctx.env);
    const fast = parseFastStatus(argv);
    if (fast !== null) {
      const status = await import("./commands/status.js");
      const fastCtx = { ...ctx, out: writeStdout };
      if (fast.command !== "status") return await status.urlCommand(fast, fastCtx);
      const code = await status.statusCommand(fast, fastCtx);
      if (code !== 3 || orStart === null || !fast.json) return code;
      // Not running: start it in this process (one node start less on jllocal's cold path); never exit 3 again.
      writeStdout(START_MARKER);
      const started = await (await import("./cli-commands.js")).runCommandLine(
        ["start", "--json", "--name", fast.name, ...orStart],
        ctx,
      );
      return started === 3 ? 1 : started;
    }
    const stop = parseFastStop(argv);
    if (stop !== null) return await (await import("./commands/stop.js")).stopCommand(stop, ctx);
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

void main(process.argv.slice(2)).then((code) => {
  // The supervisor (`run`) exits at once: its logs and state writes are synchronous, and tearing down its heap
  // (~15 ms) would only delay the end that `jlremote stop` awaits.
  if (process.argv[2] === "run") process.exit(code);
  process.exitCode = code;
});
