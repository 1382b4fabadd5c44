// The full command line: yargs parses argv and runs one command (src/cli.ts loads this lazily and maps errors).
// start, run, stop and restart in their canonical form skip yargs: `start` and the supervisor it spawns are on the
// path of every cold start.
import type { Argv } from "yargs";
import { ExitCode, JlremoteError } from "./core/errors.js";
import { parseCanonical } from "./core/fast-argv.js";
import { runOptions, startOptions } from "./core/instance-option-table.js";
import { jlremoteCommands, nameOnly, restartOptions } from "./core/jlremote-options.js";
import { type CommandDef, joinDashValues as joinDash, parserSpecs } from "./core/option-table.js";
import type { CommandContext } from "./context.js";
import { fillSchedulerNames } from "./core/scheduler-names.js";

type Handler = (argv: Record<string, unknown>) => Promise<ExitCode> | ExitCode;
let result: Promise<ExitCode> | ExitCode = ExitCode.ok;
const run = (h: Handler) => (argv: Record<string, unknown>) => {
  result = h(argv);
};

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
    qsub: a.qsub as string | undefined,
    noWait: a.wait === false,
    timeWarning: a.timeWarning,
    requeue: Boolean(a.requeue),
  };
}

type Command = (a: Record<string, unknown>, ctx: CommandContext) => Promise<ExitCode>;
const startCommand: Command = async (a, ctx) => (await import("./commands/start.js")).startCommand(startFlags(a), ctx);
const runCommand: Command = async (a, ctx) => (await import("./commands/run.js")).runCommand(startFlags(a), ctx);
const stopCommand: Command = async (a, ctx) =>
  (await import("./commands/stop.js")).stopCommand({ name: String(a.name) }, ctx);
const restartCommand: Command = async (a, ctx) =>
  (await import("./commands/stop.js")).restartCommand(
    { name: String(a.name), newCredentials: Boolean(a.newCredentials) },
    ctx,
  );
/** Commands that parseCanonical may parse, with the same option specs yargs gets. */
export const canonical = {
  start: [parserSpecs(startOptions), startCommand],
  run: [parserSpecs(runOptions), runCommand],
  stop: [parserSpecs(nameOnly), stopCommand],
  restart: [parserSpecs(restartOptions), restartCommand],
} as const;

/** What each command runs, by its usage words (the options are src/core/jlremote-options.ts'). */
const handlers: Record<string, Command> = {
  start: startCommand,
  run: runCommand,
  status: async (a, ctx) =>
    (await import("./commands/status.js")).statusCommand({ name: String(a.name), json: Boolean(a.json) }, ctx),
  url: async (a, ctx) => (await import("./commands/status.js")).urlCommand({ name: String(a.name) }, ctx),
  stop: stopCommand,
  restart: restartCommand,
  logs: async (a, ctx) =>
    (await import("./commands/logs.js")).logsCommand(
      { name: String(a.name), lines: Number(a.lines), follow: Boolean(a.follow) },
      ctx,
    ),
  list: async (a, ctx) => (await import("./commands/list.js")).listCommand({ json: Boolean(a.json) }, ctx),
  install: async (a, ctx) => (await import("./commands/install.js")).installCommand(binDirFlags(a), ctx),
  uninstall: async (a, ctx) => {
    const code = (await import("./commands/install.js")).uninstallCommand(binDirFlags(a), ctx);
    return a.all ? (await import("./commands/uninstall-deployed.js")).uninstallDeployed(ctx) : code;
  },
  doctor: async (a, ctx) =>
    (await import("./commands/doctor.js")).doctorCommand(
      { json: Boolean(a.json), name: String(a.name), jupyter: a.jupyter as string | undefined },
      ctx,
    ),
  config: async (a, ctx) =>
    (await import("./commands/config.js")).configCommand({ name: String(a.name), json: Boolean(a.json) }, ctx),
  "service install": async (a, ctx) =>
    (await import("./commands/service-install.js")).serviceInstallCommand(startFlags(a), ctx),
  "service uninstall": async (a, ctx) =>
    (await import("./commands/service.js")).serviceUninstallCommand({ name: String(a.name) }, ctx),
  "service status": async (a, ctx) =>
    (await import("./commands/service.js")).serviceStatusCommand({ name: String(a.name), json: Boolean(a.json) }, ctx),
};

/** One command of the table into yargs: its options, its subcommands, its handler. */
function addCommand(y: Argv, def: CommandDef, ctx: CommandContext, schedulers: readonly string[], parent = ""): Argv {
  const path = `${parent}${def.usage}`;
  const handler = handlers[path];
  return y.command(
    def.usage,
    def.describe,
    (c) => {
      c.options(parserSpecs(def.options, (help) => fillSchedulerNames(help, schedulers)));
      if (def.extraArgs !== undefined) c.epilogue(`Words after -- are ${def.extraArgs}.`);
      if (def.commands === undefined) return c;
      for (const sub of def.commands) addCommand(c, sub, ctx, schedulers, `${path} `);
      return c.demandCommand(1, `name a ${path} command: ${def.commands.map((s) => s.usage).join(", ")}`);
    },
    handler ? run((a) => handler(a, ctx)) : () => {},
  );
}

function build(y: Argv, ctx: CommandContext, schedulers: readonly string[]): Argv {
  let out = y.scriptName("jlremote").parserConfiguration({ "populate--": true });
  for (const def of jlremoteCommands) out = addCommand(out, def, ctx, schedulers);
  return out
    .demandCommand(1, `name a command: ${jlremoteCommands.map((c) => c.usage).join(", ")}`)
    .strict()
    .exitProcess(false)
    .version(ctx.version)
    .help()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new JlremoteError(`${msg} (see jlremote --help)`, ExitCode.usage);
    });
}

/**
 * Unpack this tree ahead, off the main thread: the build's loader of the embedded tree (scripts/build.mjs) defines
 * it; from the sources there is nothing to unpack.
 */
export async function prefetchTree(): Promise<void> {}

/** Evaluate the supervisor's modules ahead: a warm supervisor does it while it waits (src/io/warm-supervisor.ts). */
export async function preloadRun(): Promise<void> {
  await import("./commands/run.js");
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
  // The help names the registered schedulers (cli reaches the registry only through commands/).
  const { schedulerNames } = await import("./commands/scheduler-names.js");
  await build(yargs(argv), ctx, schedulerNames).parseAsync();
  return await result;
}

/** `--sbatch '-p gpu -t 1:00:00'`: a value that starts with a dash is still the option's value, not a flag. */
export function joinDashValues(argv: string[]): string[] {
  return joinDash(argv, [startOptions]);
}
