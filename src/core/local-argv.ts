// Recognizes the canonical argv of `jllocal [HOST] [--flags]`, the command users run most, so it needs no yargs.

/** What `jllocal [HOST]` needs from its command line (raw: validated by the entry point, as after yargs). */
export interface FastConnectArgs {
  host: string | undefined;
  name: string;
  localPort: string | undefined;
  browser: boolean;
  start: boolean;
  /** true: --sock; false: --no-sock (the remote's settings decide, TCP by default); absent: the socket unless they pick TCP. */
  sock: boolean | undefined;
  remoteCmd: string | undefined;
  sshConfig: string | undefined;
  json: boolean;
}

const strings = {
  name: "name",
  "local-port": "localPort",
  "remote-cmd": "remoteCmd",
  "ssh-config": "sshConfig",
} as const;
const flags = { browser: "browser", start: "start", sock: "sock", json: "json" } as const;
/** Words yargs takes as a command, not as HOST. */
const commands = new Set(["status", "kill"]);

/**
 * The connect call, or null for anything else (other commands, --help, unknown or repeated options, `--no-sock`-like
 * forms yargs reads differently): yargs then parses it, errors and help included.
 */
export function parseFastConnect(argv: readonly string[]): FastConnectArgs | null {
  const out: FastConnectArgs = {
    host: undefined,
    name: "default",
    localPort: undefined,
    browser: true,
    start: true,
    sock: undefined,
    remoteCmd: undefined,
    sshConfig: undefined,
    json: false,
  };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith("-")) {
      if (out.host !== undefined || (i === 0 && commands.has(arg))) return null;
      out.host = arg;
      continue;
    }
    if (!arg.startsWith("--") || arg === "--") return null;
    const eq = arg.indexOf("=");
    let key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const negated = key === "no-browser" || key === "no-start" || key === "no-sock";
    if (negated) key = key.slice(3);
    if (seen.has(key)) return null;
    seen.add(key);
    if (Object.hasOwn(flags, key)) {
      if (eq >= 0) return null;
      out[flags[key as keyof typeof flags]] = !negated;
    } else if (Object.hasOwn(strings, key)) {
      const next = argv[i + 1];
      if (eq < 0 && (next === undefined || next.startsWith("-"))) return null;
      const value = eq < 0 ? next : arg.slice(eq + 1);
      out[strings[key as keyof typeof strings]] = value as string;
      if (eq < 0) i += 1;
    } else {
      return null;
    }
  }
  return out;
}
