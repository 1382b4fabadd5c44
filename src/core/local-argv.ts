// Recognizes the canonical argv of `jllocal [HOST] [--flags]`, the command users run most, so it needs no yargs.
import { parseOptions } from "./fast-argv.js";
import { connectOptions } from "./jllocal-options.js";
import { joinDashValues } from "./option-table.js";

/** What `jllocal [HOST]` needs from its command line (raw: validated by the entry point, as after yargs). */
export interface FastConnectArgs {
  host: string | undefined;
  name: string;
  localPort: string | undefined;
  browser: boolean;
  start: boolean;
  sock: boolean;
  remoteCmd: string | undefined;
  sshConfig: string | undefined;
  json: boolean;
  /** Install jllocal's own jlremote on the remote when it has none of this version (--no-install: never). */
  install: boolean;
  /** The node the installed jlremote runs on (--remote-node), else chosen by the install. */
  remoteNode: string | undefined;
  scheduler?: string | undefined;
  sbatch?: string | undefined;
  profile?: string | undefined;
}

/** Words yargs takes as a command, not as HOST. */
const commands = new Set(["status", "kill"]);

/**
 * The connect call, or null for anything else (other commands, --help, unknown or repeated options, `--no-sock`-like
 * forms yargs reads differently): yargs then parses it, errors and help included.
 */
export function parseFastConnect(argv: readonly string[]): FastConnectArgs | null {
  if (argv[0] !== undefined && commands.has(argv[0])) return null;
  const a = parseOptions(joinDashValues(argv, [connectOptions]), connectOptions, 1, false);
  if (a === null) return null;
  const str = (v: unknown) => v as string | undefined;
  return {
    host: (a._ as string[] | undefined)?.[0],
    name: a.name as string,
    localPort: str(a.localPort),
    browser: a.browser as boolean,
    start: a.start as boolean,
    sock: a.sock as boolean,
    remoteCmd: str(a.remoteCmd),
    sshConfig: str(a.sshConfig),
    json: a.json as boolean,
    install: a.install as boolean,
    remoteNode: str(a.remoteNode),
    ...(a.scheduler !== undefined ? { scheduler: str(a.scheduler) } : {}),
    ...(a.sbatch !== undefined ? { sbatch: str(a.sbatch) } : {}),
    ...(a.profile !== undefined ? { profile: str(a.profile) } : {}),
  };
}
