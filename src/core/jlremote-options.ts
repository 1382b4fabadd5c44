// Every `jlremote` command and its options as data: src/cli-commands.ts builds yargs and the canonical fast parser
// from it, scripts/gen-docs.ts docs/commands/jlremote.md. Only the packed command tree loads it (never `status`).
import { type CommandDef, jsonOption, nameOption, type OptionTable } from "./option-table.js";
import { defaultSettings as d, defaultTimeWarningSec } from "./settings.js";

// No parser defaults here: an absent option falls through to the remembered settings, the config file, then `d`.
const instanceOptions: OptionTable = {
  name: nameOption,
  app: {
    type: "string",
    value: "APP",
    describe: "auto | lab | notebook | server",
    shownDefault: d.app,
    setting: "app",
  },
  jupyter: {
    type: "string",
    value: "PATH",
    describe: "jupyter, jupyter-lab/-notebook/-server, or an env's python (path or name on PATH)",
    shownDefault: d.jupyter,
    setting: "jupyter",
  },
  port: { type: "string", value: "PORT", describe: "port", shownDefault: "8888 or the next free one", setting: "port" },
  "root-dir": {
    type: "string",
    value: "DIR",
    describe: "directory Jupyter serves",
    shownDefault: "current directory",
    setting: "rootDir",
  },
  "max-restarts": {
    type: "string",
    value: "N",
    describe: "consecutive failed restarts before giving up",
    shownDefault: d.maxRestarts,
    setting: "maxRestarts",
  },
  timeout: {
    type: "string",
    value: "SECONDS",
    describe: "seconds to wait for Jupyter to be ready",
    shownDefault: d.timeout,
    setting: "timeout",
  },
  "stop-timeout": {
    type: "string",
    value: "SECONDS",
    describe: "seconds of grace after SIGTERM before SIGKILL",
    shownDefault: d.stopTimeout,
    setting: "stopTimeout",
  },
  sock: {
    type: "boolean",
    describe: "listen on a unix socket in the private state dir, not a TCP port",
    shownDefault: d.sock,
    setting: "sock",
  },
  "health-interval": {
    type: "string",
    value: "SECONDS",
    describe: "seconds between /api/status health probes",
    shownDefault: d.healthInterval,
    setting: "healthInterval",
  },
  "health-retries": {
    type: "string",
    value: "N",
    describe: "failed probes in a row before a hung Jupyter is restarted",
    shownDefault: d.healthRetries,
    setting: "healthRetries",
  },
  "log-max-size": {
    type: "string",
    value: "MB",
    describe: "MB at which supervisor.log and jupyter.log are rotated",
    shownDefault: d.logMaxSize,
    setting: "logMaxSize",
  },
  "log-keep": {
    type: "string",
    value: "N",
    describe: "rotated files kept of each log",
    shownDefault: d.logKeep,
    setting: "logKeep",
  },
  scheduler: {
    type: "string",
    value: "SCHEDULER",
    describe: "slurm: run as a batch job on a compute node; none: here",
    shownDefault: "as recorded",
  },
  "idle-timeout": {
    type: "string",
    value: "MINUTES",
    describe: "minutes: Jupyter culls idle kernels, then shuts down with no activity; that ends the instance",
    setting: "idleTimeout",
  },
};

const slurmOptions: OptionTable = {
  sbatch: {
    type: "string",
    value: "OPTIONS",
    describe: "extra sbatch options, e.g. '-p gpu -t 4:00:00 --gres=gpu:1' (with --scheduler slurm)",
    dashValue: true,
  },
  wait: {
    type: "boolean",
    default: true,
    describe: "wait until the job's Jupyter is ready (--no-wait: return once the job is submitted)",
  },
  "time-warning": {
    type: "string",
    value: "SECONDS",
    describe: "seconds before the time limit at which the job is warned (USR1)",
    shownDefault: defaultTimeWarningSec,
  },
  requeue: {
    type: "boolean",
    default: false,
    describe: "let Slurm requeue the job (preemption, node failure); it keeps its token",
  },
};

const binDir: OptionTable = {
  "bin-dir": { type: "string", value: "DIR", describe: "directory of the launcher", shownDefault: "~/.local/bin" },
};

/** `jlremote start`: instance options, Slurm options, --reset/--profile, --json. */
export const startOptions: OptionTable = {
  ...instanceOptions,
  ...slurmOptions,
  reset: { type: "boolean", default: false, describe: "forget the remembered options of this instance first" },
  profile: {
    type: "string",
    value: "PROFILE",
    describe: "a named set of options from config.json's profiles (options given here win)",
  },
  json: jsonOption,
};
/** `jlremote run`: the supervisor in the foreground, with the instance options start passes on. */
export const runOptions: OptionTable = {
  ...instanceOptions,
  "daemon-child": { type: "boolean", default: false, describe: "internal: spawned by start", hidden: true },
};
/** Commands that take only --name (stop, restart, url, service uninstall). */
export const nameOnly: OptionTable = { name: nameOption };
const nameJson: OptionTable = { name: nameOption, json: jsonOption };

const extraArgs = "added to Jupyter's command line, e.g. `-- --ServerApp.base_url=/x/`";

/** The `jlremote` command tree, in help order. */
export const jlremoteCommands: readonly CommandDef[] = [
  {
    usage: "start",
    describe: "start Jupyter under a detached supervisor and print its URL",
    options: startOptions,
    extraArgs,
  },
  { usage: "run", describe: "run the supervisor in the foreground (for systemd)", options: runOptions, extraArgs },
  { usage: "status", describe: "show the instance state (exit 0 running, 3 not running)", options: nameJson },
  { usage: "url", describe: "print the URL with token", options: nameOnly },
  { usage: "stop", describe: "stop Jupyter, its kernels and the supervisor", options: nameOnly },
  { usage: "restart", describe: "restart Jupyter (same port and token)", options: nameOnly },
  {
    usage: "logs",
    describe: "show the supervisor's events and Jupyter's output",
    options: {
      name: nameOption,
      lines: { alias: "n", type: "number", default: 40, describe: "lines of each log" },
      follow: { alias: "f", type: "boolean", default: false, describe: "keep printing new lines" },
    },
  },
  { usage: "list", describe: "list all instances", options: { json: jsonOption } },
  {
    usage: "install",
    describe: "write a launcher (~/.local/bin/jlremote) that plain `ssh host` commands can run",
    options: {
      ...binDir,
      force: { type: "boolean", default: false, describe: "replace a file there that is not a jlremote launcher" },
    },
  },
  { usage: "uninstall", describe: "remove the launcher written by install", options: binDir },
  {
    usage: "doctor",
    describe: "check this machine for jlremote (exit 1 on a problem)",
    options: {
      json: jsonOption,
      name: nameOption,
      jupyter: {
        type: "string",
        value: "PATH",
        describe: "jupyter to check",
        shownDefault: "the instance's setting, else jupyter on PATH",
      },
    },
  },
  {
    usage: "config",
    describe: "print the effective settings of an instance and where each comes from",
    options: nameJson,
  },
  {
    usage: "service",
    describe: "run an instance as a systemd user service (install, uninstall, status)",
    options: {},
    commands: [
      {
        usage: "install",
        describe: "install the instance as a systemd user service, start it, print its URL",
        options: { ...instanceOptions, json: jsonOption },
        extraArgs,
      },
      { usage: "uninstall", describe: "stop and disable the service and remove its unit files", options: nameOnly },
      { usage: "status", describe: "the service as systemd sees it (exit 0 active, 3 not)", options: nameJson },
    ],
  },
];
