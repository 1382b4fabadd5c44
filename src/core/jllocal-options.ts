// Every `jllocal` command and its options as data: src/jllocal-commands.ts builds yargs from it, src/core/local-argv.ts
// the fast `jllocal HOST` parser, scripts/gen-docs.ts docs/commands/jllocal.md. On the fast path: plain literals only.
import { type CommandDef, jsonOption, type OptionTable } from "./option-table.js";

const sshConfig: OptionTable = {
  "ssh-config": { type: "string", value: "FILE", describe: "ssh config file to use instead of ~/.ssh/config (ssh -F)" },
};
const remoteCmd: OptionTable = {
  "remote-cmd": {
    type: "string",
    value: "COMMAND",
    describe: "remote command line for jlremote",
    shownDefault: "jllocal's installed version, then jlremote, then ~/.local/bin/jlremote",
  },
};

const json: OptionTable = { json: { ...jsonOption, describe: "print one JSON line instead of the URL" } };

/** The options of `jllocal [HOST]`. */
export const connectOptions: OptionTable = {
  name: { type: "string", value: "NAME", default: "default", describe: "remote instance name" },
  "local-port": {
    type: "string",
    value: "PORT",
    describe: "local port",
    shownDefault: "the remote port if free here, else a free one",
  },
  browser: { type: "boolean", default: true, describe: "open the browser (--no-browser: only print the URL)" },
  start: { type: "boolean", default: true, describe: "start Jupyter when it is not running (--no-start: don't)" },
  sock: {
    type: "boolean",
    default: false,
    describe: "when starting the remote instance, use a unix socket (jlremote start --sock)",
  },
  ...remoteCmd,
  install: {
    type: "boolean",
    default: true,
    describe:
      "install jllocal's own jlremote (and a Node.js if needed) on HOST when it has none of this version (--no-install: don't)",
  },
  "remote-node": {
    type: "string",
    value: "PATH",
    describe: "node on HOST for the jlremote jllocal installs (~/ is the remote home)",
    shownDefault: "node on the PATH of ssh commands if >= 20.19, else a Node.js jllocal brings",
  },
  ...json,
  scheduler: {
    type: "string",
    value: "SCHEDULER",
    describe: "slurm: start Jupyter as a batch job on a compute node (jlremote start --scheduler slurm)",
  },
  sbatch: {
    type: "string",
    value: "OPTIONS",
    describe: "sbatch options for that job, e.g. '-p gpu -t 4:00:00'",
    dashValue: true,
  },
  profile: {
    type: "string",
    value: "PROFILE",
    describe: "when starting the remote instance, a profile of its config.json (jlremote start --profile)",
  },
  ...sshConfig,
};

/** The `jllocal` command tree, in help order (`$0 [host]` is the default command). */
export const jllocalCommands: readonly CommandDef[] = [
  {
    usage: "$0 [host]",
    describe: "connect to Jupyter on HOST (one ssh login), print the local URL, open the browser",
    options: connectOptions,
  },
  {
    usage: "status",
    describe: "list the tunnels jllocal holds and whether they answer",
    options: { json: jsonOption },
  },
  {
    usage: "kill [host]",
    describe: "close the tunnels to HOST and end the ssh connection jllocal started",
    options: {
      all: { type: "boolean", default: false, describe: "close every tunnel" },
      cancel: { type: "boolean", default: false, describe: "also stop the remote instance (a batch job is cancelled)" },
      ...remoteCmd,
      ...sshConfig,
    },
  },
];
