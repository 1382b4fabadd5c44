// The full command line: yargs parses argv and runs one command (src/cli.ts loads this lazily and maps errors).
// start, run, stop and restart in their canonical form skip yargs: `start` and the supervisor it spawns are on the
// path of every cold start.
import type { Argv } from "yargs";
import { ExitCode, JlremoteError } from "./core/errors.js";
import { parseCanonical } from "./core/fast-argv.js";
import type { CommandContext } from "./commands/context.js";

type Handler = (argv: Record<string, unknown>) => Promise<ExitCode> | ExitCode;
let result: Promise<ExitCode> | ExitCode = ExitCode.ok;
const run = (h: Handler) => (argv: Record<string, unknown>) => {
  result = h(argv);
};

const nameOpt = { name: { type: "string", default: "default", describe: "instance name" } } as const;
const jsonOpt = { json: { type: "boolean", default: false, describe: "print JSON" } } as const;
// No defaults here: an absent option falls through to the remembered settings, the config file, then the defaults.
const startOpts = {
  ...nameOpt,
  app: { type: "string", describe: "auto | lab | notebook | server (default auto)" },
  jupyter: {
    type: "string",
    describe: "jupyter, jupyter-lab/-notebook/-server, or an env's python (path or name on PATH)",
  },
  port: { type: "string", describe: "port (default: 8888 or the next free one)" },
  "root-dir": { type: "string", describe: "directory Jupyter serves (default: current directory)" },
  "max-restarts": { type: "string", describe: "consecutive failed restarts before giving up (default 5)" },
  timeout: { type: "string", describe: "seconds to wait for Jupyter to be ready (default 60)" },
  "stop-timeout": { type: "string", describe: "seconds of grace after SIGTERM before SIGKILL (default 10)" },
  sock: { type: "boolean", describe: "listen on a unix socket in the private state dir, not a TCP port" },
  "health-interval": { type: "string", describe: "seconds between /api/status health probes (default 30)" },
  "health-retries": {
    type: "string",
    describe: "failed probes in a row before a hung Jupyter is restarted (default 8)",
  },
  "log-max-size": { type: "string", describe: "MB at which supervisor.log and jupyter.log are rotated (default 10)" },
  "log-keep": { type: "string", describe: "rotated files kept of each log (default 3)" },
  scheduler: {
    type: "string",
    describe: "slurm: run as a batch job on a compute node; none: here (default: as recorded)",
  },
  "idle-timeout": {
    type: "string",
    describe: "minutes: Jupyter culls idle kernels, then shuts down with no activity; that ends the instance",
  },
} as const;
const slurmOpts = {
  sbatch: {
    type: "string",
    describe: "extra sbatch options, e.g. '-p gpu -t 4:00:00 --gres=gpu:1' (with --scheduler slurm)",
  },
  "no-wait": { type: "boolean", default: false, describe: "return once the job is submitted" },
  "time-warning": {
    type: "string",
    describe: "seconds before the time limit at which the job is warned (USR1; default 600)",
  },
  requeue: {
    type: "boolean",
    default: false,
    describe: "let Slurm requeue the job (preemption, node failure); it keeps its token",
  },
} as const;
const resetOpt = {
  reset: { type: "boolean", default: false, describe: "forget the remembered options of this instance first" },
  profile: { type: "string", describe: "a named set of options from config.json's profiles (options given here win)" },
} as const;

const binDirOpts = {
  "bin-dir": { type: "string", describe: "directory of the launcher (default ~/.local/bin)" },
  force: { type: "boolean", default: false, describe: "replace a file there that is not a jlremote launcher" },
} as const;
const binDirFlags = (a: Record<string, unknown>) => ({
  binDir: a.binDir as string | undefined,
  force: Boolean(a.force),
});

function startFlags(a: Record<string, unknown>) {
  return {
    name: String(a.name),
    app: a.app as string | undefined,
    jupyter: a.jupyter as string | undefined,
    port: a.port,
    rootDir: a.rootDir as string | undefined,
    maxRestarts: a.maxRestarts,
    timeout: a.timeout,
    stopTimeout: a.stopTimeout,
    sock: a.sock as boolean | undefined,
    reset: Boolean(a.reset),
    profile: a.profile as string | undefined,
    healthInterval: a.healthInterval,
    healthRetries: a.healthRetries,
    logMaxSize: a.logMaxSize,
    logKeep: a.logKeep,
    extraArgs: ((a["--"] as unknown[] | undefined) ?? []).map(String),
    json: Boolean(a.json),
    daemonChild: Boolean(a.daemonChild),
    scheduler: a.scheduler as string | undefined,
    idleTimeout: a.idleTimeout,
    sbatch: a.sbatch as string | undefined,
    noWait: Boolean(a.noWait),
    timeWarning: a.timeWarning,
    requeue: Boolean(a.requeue),
  };
}

type Command = (a: Record<string, unknown>, ctx: CommandContext) => Promise<ExitCode>;
const daemonChildOpt = { "daemon-child": { type: "boolean", default: false, hidden: true } } as const;
const startCommand: Command = async (a, ctx) => (await import("./commands/start.js")).startCommand(startFlags(a), ctx);
const runCommand: Command = async (a, ctx) => (await import("./commands/run.js")).runCommand(startFlags(a), ctx);
const stopCommand: Command = async (a, ctx) =>
  (await import("./commands/stop.js")).stopCommand({ name: String(a.name) }, ctx);
const restartCommand: Command = async (a, ctx) =>
  (await import("./commands/stop.js")).restartCommand({ name: String(a.name) }, ctx);
/** Commands that parseCanonical may parse, with the same option specs yargs gets. */
export const canonical = {
  start: [{ ...startOpts, ...slurmOpts, ...resetOpt, ...jsonOpt }, startCommand],
  run: [{ ...startOpts, ...daemonChildOpt }, runCommand],
  stop: [nameOpt, stopCommand],
  restart: [nameOpt, restartCommand],
} as const;

function build(y: Argv, ctx: CommandContext): Argv {
  return y
    .scriptName("jlremote")
    .parserConfiguration({ "populate--": true })
    .command(
      "start",
      "start Jupyter under a detached supervisor and print its URL",
      (c) => c.options(canonical.start[0]),
      run((a) => startCommand(a, ctx)),
    )
    .command(
      "run",
      "run the supervisor in the foreground (for systemd)",
      (c) => c.options(canonical.run[0]),
      run((a) => runCommand(a, ctx)),
    )
    .command(
      "status",
      "show the instance state (exit 0 running, 3 not running)",
      (c) => c.options({ ...nameOpt, ...jsonOpt }),
      run(async (a) =>
        (await import("./commands/status.js")).statusCommand({ name: String(a.name), json: Boolean(a.json) }, ctx),
      ),
    )
    .command(
      "url",
      "print the URL with token",
      (c) => c.options(nameOpt),
      run(async (a) => (await import("./commands/status.js")).urlCommand({ name: String(a.name) }, ctx)),
    )
    .command(
      "stop",
      "stop Jupyter, its kernels and the supervisor",
      (c) => c.options(nameOpt),
      run((a) => stopCommand(a, ctx)),
    )
    .command(
      "restart",
      "restart Jupyter (same port and token)",
      (c) => c.options(nameOpt),
      run((a) => restartCommand(a, ctx)),
    )
    .command(
      "logs",
      "show the supervisor's events and Jupyter's output",
      (c) =>
        c.options({
          ...nameOpt,
          lines: { alias: "n", type: "number", default: 40, describe: "lines of each log" },
          follow: { alias: "f", type: "boolean", default: false, describe: "keep printing new lines" },
        }),
      run(async (a) =>
        (await import("./commands/logs.js")).logsCommand(
          { name: String(a.name), lines: Number(a.lines), follow: Boolean(a.follow) },
          ctx,
        ),
      ),
    )
    .command(
      "list",
      "list all instances",
      (c) => c.options(jsonOpt),
      run(async (a) => (await import("./commands/list.js")).listCommand({ json: Boolean(a.json) }, ctx)),
    )
    .command(
      "install",
      "write a launcher (~/.local/bin/jlremote) that plain `ssh host` commands can run",
      (c) => c.options(binDirOpts),
      run(async (a) => (await import("./commands/install.js")).installCommand(binDirFlags(a), ctx)),
    )
    .command(
      "uninstall",
      "remove the launcher written by install (--all: also what jllocal installed that no instance uses)",
      (c) =>
        c.options({
          "bin-dir": binDirOpts["bin-dir"],
          all: {
            type: "boolean",
            default: false,
            describe: "also remove the versions and Node.js runtimes in ~/.local/share/jlremote that no instance uses",
          },
        }),
      run(async (a) => {
        const code = (await import("./commands/install.js")).uninstallCommand(binDirFlags(a), ctx);
        return a.all ? (await import("./commands/uninstall-deployed.js")).uninstallDeployed(ctx) : code;
      }),
    )
    .command(
      "doctor",
      "check this machine for jlremote (exit 1 on a problem)",
      (c) =>
        c.options({
          ...jsonOpt,
          ...nameOpt,
          jupyter: {
            type: "string",
            describe: "jupyter to check (default: the instance's setting, else jupyter on PATH)",
          },
        }),
      run(async (a) =>
        (await import("./commands/doctor.js")).doctorCommand(
          { json: Boolean(a.json), name: String(a.name), jupyter: a.jupyter as string | undefined },
          ctx,
        ),
      ),
    )
    .command(
      "config",
      "print the effective settings of an instance and where each comes from",
      (c) => c.options({ ...nameOpt, ...jsonOpt }),
      run(async (a) =>
        (await import("./commands/config.js")).configCommand({ name: String(a.name), json: Boolean(a.json) }, ctx),
      ),
    )
    .command(
      "service",
      "run an instance as a systemd user service (install, uninstall, status)",
      (c) =>
        c
          .command(
            "install",
            "install the instance as a systemd user service, start it, print its URL",
            (s) => s.options({ ...startOpts, ...jsonOpt }),
            run(async (a) => (await import("./commands/service-install.js")).serviceInstallCommand(startFlags(a), ctx)),
          )
          .command(
            "uninstall",
            "stop and disable the service and remove its unit files",
            (s) => s.options(nameOpt),
            run(async (a) =>
              (await import("./commands/service.js")).serviceUninstallCommand({ name: String(a.name) }, ctx),
            ),
          )
          .command(
            "status",
            "the service as systemd sees it (exit 0 active, 3 not)",
            (s) => s.options({ ...nameOpt, ...jsonOpt }),
            run(async (a) =>
              (await import("./commands/service.js")).serviceStatusCommand(
                { name: String(a.name), json: Boolean(a.json) },
                ctx,
              ),
            ),
          )
          .demandCommand(1, "name a service command: install, uninstall, status"),
      () => {},
    )
    .demandCommand(
      1,
      "name a command: start, status, url, stop, restart, logs, list, run, service, install, uninstall, doctor, config",
    )
    .strict()
    .exitProcess(false)
    .version(ctx.version)
    .help()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new JlremoteError(`${msg} (see jlremote --help)`, ExitCode.usage);
    });
}

/** Parse argv with yargs and run the command it names; returns its exit code (errors are thrown). */
export async function runCommandLine(argv0: string[], ctx: CommandContext): Promise<ExitCode> {
  const argv = joinDashValues(argv0);
  const [name, ...rest] = argv;
  const fast =
    name !== undefined && Object.hasOwn(canonical, name) ? canonical[name as keyof typeof canonical] : undefined;
  const parsed = fast ? parseCanonical(rest, fast[0]) : null;
  if (fast && parsed) return fast[1](parsed, ctx);
  // Loaded only here: evaluating yargs and building its command tree costs a supervisor start ~40 ms.
  const { default: yargs } = await import("yargs");
  await build(yargs(argv), ctx).parseAsync();
  return await result;
}

/** `--sbatch '-p gpu -t 1:00:00'`: a value that starts with a dash is still the option's value, not a flag. */
export function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === "--") return [...out, ...argv.slice(i)];
    if (a === "--sbatch" && i + 1 < argv.length) out.push(`--sbatch=${argv[((i += 1))] as string}`);
    else out.push(a);
  }
  return out;
}
