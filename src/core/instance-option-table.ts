// The options of the commands that run an instance (start, run, service install) as data; see src/core/option-table.ts.
import { jsonOption, nameOption, type OptionTable } from "./option-table.js";
import { defaultSettings as d, defaultTimeWarningSec } from "./settings.js";
import { schedulerNamesSlot } from "./scheduler-names.js";

/**
 * The options of an instance (what start remembers; run and service install take them too). No parser defaults: an
 * absent option falls through to the remembered settings, the config file, then the built-in defaults (`d`).
 */
export const instanceOptions: OptionTable = {
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
    describe: `${schedulerNamesSlot}: run as a batch job on a compute node; none: here`,
    shownDefault: "as recorded",
  },
  "idle-timeout": {
    type: "string",
    value: "MINUTES",
    describe: "minutes: Jupyter culls idle kernels, then shuts down with no activity; that ends the instance",
    setting: "idleTimeout",
  },
};

const jobOptions: OptionTable = {
  sbatch: {
    type: "string",
    value: "OPTIONS",
    describe: "extra sbatch options, e.g. '-p gpu -t 4:00:00 --gres=gpu:1' (with --scheduler slurm)",
    dashValue: true,
  },
  qsub: {
    type: "string",
    value: "OPTIONS",
    describe: "extra qsub options for a Grid Engine job, e.g. '-l h_rt=4:00:00 -q gpu.q'",
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

/** `jlremote start`: instance options, batch-job options, --reset/--profile, --json. */
export const startOptions: OptionTable = {
  ...instanceOptions,
  ...jobOptions,
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
