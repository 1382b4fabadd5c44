// jllocal's full command line: yargs parses argv and runs one command (src/jllocal.ts loads this only when the
// canonical `jllocal [HOST] [--flags]` parser declines, e.g. for status, kill, --help and usage errors).
import yargs, { type Argv } from "yargs";
import { ExitCode, JlremoteError } from "./core/errors.js";
import type { LocalContext } from "./local/context.js";
import { connectFlags } from "./local/connect-flags.js";
import { jllocalCommands, connectOptions } from "./core/jllocal-options.js";
import { joinDashValues, parserSpecs } from "./core/option-table.js";

type Handler = (argv: Record<string, unknown>) => Promise<ExitCode> | ExitCode;
let result: Promise<ExitCode> | ExitCode = ExitCode.ok;
const run = (h: Handler) => (argv: Record<string, unknown>) => {
  result = h(argv);
};

/** The options of `jllocal [HOST]` as yargs takes them (src/core/local-argv.ts parses their canonical form). */
export const connectOpts = parserSpecs(connectOptions);

const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

/** What each command runs, by its usage words (the options are src/core/jllocal-options.ts'). */
const handlers: Record<string, (a: Record<string, unknown>, ctx: LocalContext) => Promise<ExitCode>> = {
  "$0 [host]": async (a, ctx) =>
    (await import("./local/connect.js")).connectCommand(
      connectFlags({
        host: str(a.host),
        name: String(a.name),
        localPort: str(a.localPort),
        browser: Boolean(a.browser),
        start: Boolean(a.start),
        sock: Boolean(a.sock),
        remoteCmd: str(a.remoteCmd),
        sshConfig: str(a.sshConfig),
        json: Boolean(a.json),
        install: Boolean(a.install),
        remoteNode: str(a.remoteNode),
        scheduler: str(a.scheduler),
        sbatch: str(a.sbatch),
        profile: str(a.profile),
      }),
      ctx,
    ),
  status: async (a, ctx) => (await import("./local/status.js")).localStatusCommand({ json: Boolean(a.json) }, ctx),
  "kill [host]": async (a, ctx) =>
    (await import("./local/kill.js")).killCommand(
      {
        host: str(a.host),
        all: Boolean(a.all),
        sshConfig: str(a.sshConfig),
        cancel: Boolean(a.cancel),
        remoteCmd: str(a.remoteCmd),
      },
      ctx,
    ),
};

function build(y: Argv, ctx: LocalContext): Argv {
  let out = y.scriptName("jllocal");
  for (const def of jllocalCommands) {
    const handler = handlers[def.usage] as (typeof handlers)[string];
    out = out.command(
      def.usage,
      def.describe,
      (c) => c.options(parserSpecs(def.options)),
      run((a) => handler(a, ctx)),
    );
  }
  return out
    .strict()
    .exitProcess(false)
    .version(ctx.version)
    .help()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new JlremoteError(`${msg} (see jllocal --help)`, ExitCode.usage);
    });
}

/** Parse argv with yargs and run the command it names; returns its exit code (errors are thrown). */
export async function runCommandLine(argv: string[], ctx: LocalContext): Promise<ExitCode> {
  // `--sbatch '-p gpu'`: a value starting with a dash is still the value.
  const joined = joinDashValues(argv, [connectOptions]);
  await build(yargs(joined), ctx).parseAsync();
  return await result;
}
