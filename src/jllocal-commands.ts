// jllocal's full command line: yargs parses argv and runs one command (src/jllocal.ts loads this only when the
// canonical `jllocal [HOST] [--flags]` parser declines, e.g. for status, kill, --help and usage errors).
import yargs, { type Argv } from "yargs";
import { ExitCode, JlremoteError } from "./core/errors.js";
import type { LocalContext } from "./local/context.js";
import { connectFlags } from "./local/connect-flags.js";

type Handler = (argv: Record<string, unknown>) => Promise<ExitCode> | ExitCode;
let result: Promise<ExitCode> | ExitCode = ExitCode.ok;
const run = (h: Handler) => (argv: Record<string, unknown>) => {
  result = h(argv);
};

const sshConfigOpt = {
  "ssh-config": { type: "string", describe: "ssh config file to use instead of ~/.ssh/config (ssh -F)" },
} as const;
/** The options of `jllocal [HOST]` (src/core/local-argv.ts parses their canonical form without yargs). */
export const connectOpts = {
  name: { type: "string", default: "default", describe: "remote instance name" },
  "local-port": { type: "string", describe: "local port (default: the remote port if free here, else a free one)" },
  browser: { type: "boolean", default: true, describe: "open the browser (--no-browser: only print the URL)" },
  start: { type: "boolean", default: true, describe: "start Jupyter when it is not running (--no-start: don't)" },
  sock: {
    type: "boolean",
    describe:
      "when starting the remote instance, listen on its private unix socket (the default unless its settings pick a port); --no-sock: TCP",
  },
  "remote-cmd": {
    type: "string",
    describe: "remote command line for jlremote (default: jlremote, then ~/.local/bin/jlremote)",
  },
  json: { type: "boolean", default: false, describe: "print one JSON line instead of the URL" },
  scheduler: {
    type: "string",
    describe: "slurm: start Jupyter as a batch job on a compute node (jlremote start --scheduler slurm)",
  },
  sbatch: { type: "string", describe: "sbatch options for that job, e.g. '-p gpu -t 4:00:00'" },
  profile: {
    type: "string",
    describe: "when starting the remote instance, a profile of its config.json (jlremote start --profile)",
  },
  ...sshConfigOpt,
} as const;

const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

function build(y: Argv, ctx: LocalContext): Argv {
  return y
    .scriptName("jllocal")
    .command(
      "$0 [host]",
      "connect to Jupyter on HOST (one ssh login), print the local URL, open the browser",
      (c) => c.options(connectOpts),
      run(async (a) =>
        (await import("./local/connect.js")).connectCommand(
          connectFlags({
            host: str(a.host),
            name: String(a.name),
            localPort: str(a.localPort),
            browser: Boolean(a.browser),
            start: Boolean(a.start),
            sock: a.sock === undefined ? undefined : Boolean(a.sock),
            remoteCmd: str(a.remoteCmd),
            sshConfig: str(a.sshConfig),
            json: Boolean(a.json),
            scheduler: str(a.scheduler),
            sbatch: str(a.sbatch),
            profile: str(a.profile),
          }),
          ctx,
        ),
      ),
    )
    .command(
      "status",
      "list the tunnels jllocal holds and whether they answer",
      (c) => c.options({ json: connectOpts.json }),
      run(async (a) => (await import("./local/status.js")).localStatusCommand({ json: Boolean(a.json) }, ctx)),
    )
    .command(
      "kill [host]",
      "close the tunnels to HOST and end the ssh connection jllocal started",
      (c) =>
        c.options({
          all: { type: "boolean", default: false, describe: "close every tunnel" },
          cancel: {
            type: "boolean",
            default: false,
            describe: "also stop the remote instance (a batch job is cancelled)",
          },
          "remote-cmd": connectOpts["remote-cmd"],
          ...sshConfigOpt,
        }),
      run(async (a) =>
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
      ),
    )
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
  const joined = argv.flatMap((a, i) =>
    a === "--sbatch" && i + 1 < argv.length ? [] : i > 0 && argv[i - 1] === "--sbatch" ? [`--sbatch=${a}`] : [a],
  );
  await build(yargs(joined), ctx).parseAsync();
  return await result;
}
