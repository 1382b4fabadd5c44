// Every `jlremote` command and its options as data: src/cli-commands.ts builds yargs and the canonical fast parser
// from it, scripts/gen-docs.ts docs/commands/jlremote.md. Only the packed command tree loads it (never `status`).
import { instanceOptions, runOptions, startOptions } from "./instance-option-table.js";
import { type CommandDef, jsonOption, nameOption, type OptionTable } from "./option-table.js";

const binDir: OptionTable = {
  "bin-dir": { type: "string", value: "DIR", describe: "directory of the launcher", shownDefault: "~/.local/bin" },
};

/** Commands that take only --name (stop, restart, url, service uninstall). */
export const nameOnly: OptionTable = { name: nameOption };
const nameJson: OptionTable = { name: nameOption, json: jsonOption };

/** restart's options. */
export const restartOptions: OptionTable = {
  name: nameOption,
  "new-credentials": {
    type: "boolean",
    default: false,
    describe: "also replace the token and the login cookies' secret (old URLs and logged-in tabs stop working)",
  },
};

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
  {
    usage: "restart",
    describe: "restart Jupyter (same port and token, unless --new-credentials)",
    options: restartOptions,
  },
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
  {
    usage: "uninstall",
    describe: "remove the launcher written by install (--all: also what jllocal installed that no instance uses)",
    options: {
      ...binDir,
      all: {
        type: "boolean",
        default: false,
        describe: "also remove the versions and Node.js runtimes in ~/.local/share/jlremote that no instance uses",
      },
    },
  },
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
