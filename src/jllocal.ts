// jllocal entry point: parses argv with yargs, runs one command, maps errors to exit codes (the only place that sets them).
import yargs, { type Argv } from "yargs";
import { errorOutcome, ExitCode, JlremoteError, usageError } from "./core/errors.js";
import { lineWriter } from "./io/output.js";
import type { LocalContext } from "./local/context.js";

declare const __JLREMOTE_VERSION__: string | undefined;
const version = typeof __JLREMOTE_VERSION__ === "string" ? __JLREMOTE_VERSION__ : "0.0.0-dev";

const ctx: LocalContext = {
  env: process.env,
  out: lineWriter(() => process.stdout),
  err: lineWriter(() => process.stderr),
  platform: process.platform,
  version,
};

type Handler = (argv: Record<string, unknown>) => Promise<ExitCode> | ExitCode;
let result: Promise<ExitCode> | ExitCode = ExitCode.ok;
const run = (h: Handler) => (argv: Record<string, unknown>) => { result = h(argv); };

const sshConfigOpt = { "ssh-config": { type: "string", describe: "ssh config file to use instead of ~/.ssh/config (ssh -F)" } } as const;
const connectOpts = {
  name: { type: "string", default: "default", describe: "remote instance name" },
  "local-port": { type: "string", describe: "local port (default: the remote port if free here, else a free one)" },
  browser: { type: "boolean", default: true, describe: "open the browser (--no-browser: only print the URL)" },
  start: { type: "boolean", default: true, describe: "start Jupyter when it is not running (--no-start: don't)" },
  sock: { type: "boolean", default: false, describe: "when starting the remote instance, use a unix socket (jlremote start --sock)" },
  "remote-cmd": { type: "string", describe: "remote command line for jlremote (default: jlremote, then ~/.local/bin/jlremote)" },
  json: { type: "boolean", default: false, describe: "print one JSON line instead of the URL" },
  scheduler: { type: "string", describe: "slurm: start Jupyter as a batch job on a compute node (jlremote start --scheduler slurm)" },
  sbatch: { type: "string", describe: "sbatch options for that job, e.g. '-p gpu -t 4:00:00'" },
  ...sshConfigOpt,
} as const;

/** Parse --local-port: an integer from 1 to 65535, or undefined. */
function localPort(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw usageError(`--local-port ${text}: expected a port number from 1 to 65535`);
  return n;
}

const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

function build(y: Argv): Argv {
  return y
    .scriptName("jllocal")
    .command("$0 [host]", "connect to Jupyter on HOST (one ssh login), print the local URL, open the browser", (c) => c.options(connectOpts),
      run(async (a) => (await import("./local/connect.js")).connectCommand({
        host: str(a.host), name: String(a.name), localPort: localPort(a.localPort), browser: Boolean(a.browser), start: Boolean(a.start), sock: Boolean(a.sock),
        remoteCmd: str(a.remoteCmd), sshConfig: str(a.sshConfig), json: Boolean(a.json), scheduler: str(a.scheduler), sbatch: str(a.sbatch),
      }, ctx)))
    .command("status", "list the tunnels jllocal holds and whether they answer", (c) => c.options({ json: connectOpts.json }),
      run(async (a) => (await import("./local/status.js")).localStatusCommand({ json: Boolean(a.json) }, ctx)))
    .command("kill [host]", "close the tunnels to HOST and end the ssh connection jllocal started", (c) => c.options({
      all: { type: "boolean", default: false, describe: "close every tunnel" },
      cancel: { type: "boolean", default: false, describe: "also stop the remote instance (a batch job is cancelled)" },
      "remote-cmd": connectOpts["remote-cmd"], ...sshConfigOpt }),
      run(async (a) => (await import("./local/kill.js")).killCommand({ host: str(a.host), all: Boolean(a.all), sshConfig: str(a.sshConfig), cancel: Boolean(a.cancel), remoteCmd: str(a.remoteCmd) }, ctx)))
    .strict()
    .exitProcess(false)
    .version(version)
    .help()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new JlremoteError(`${msg} (see jllocal --help)`, ExitCode.usage);
    });
}

/** Parse, run, and return the exit code; every error becomes one line on stderr. */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    // `--sbatch '-p gpu'`: a value starting with a dash is still the value.
    const joined = argv.flatMap((a, i) => (a === "--sbatch" && i + 1 < argv.length ? [] : i > 0 && argv[i - 1] === "--sbatch" ? [`--sbatch=${a}`] : [a]));
    await build(yargs(joined)).parseAsync();
    return await result;
  } catch (err) {
    const { lines, exitCode } = errorOutcome("jllocal", err);
    for (const line of lines) ctx.err(line);
    return exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
