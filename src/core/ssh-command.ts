// Builds ssh argv for jllocal (master, exec over the master, forward/cancel/exit) and the remote command line.
import { lookupScript, sameVersionScript, shQuote, type OwnVersion } from "./remote-lookup.js";
import { hopConfigArgs, type Jump } from "./ssh-hop.js";

/** How to reach one host through our master connection. */
export interface SshTarget {
  /** ssh destination: an alias from ~/.ssh/config or user@host. */
  host: string;
  /** Our control socket for this host. */
  controlPath: string;
  /** An ssh config file to use instead of ~/.ssh/config (ssh -F), or null. */
  sshConfig: string | null;
  /** A login node reached through another target's master (src/core/ssh-hop.ts); absent: a direct connection. */
  jump?: Jump;
}

/** Where a forward ends on the remote side: Jupyter's TCP port on 127.0.0.1 (or on `host`, a compute node's
 * address reached from the login node), or its unix socket. */
export type ForwardTarget = { port: number; host?: string } | { socket: string };

/**
 * Everything after the master goes through its socket with no config read (-F /dev/null): the user's LocalForward,
 * RemoteCommand or RequestTTY for the host then can't ride along, and a vanished master fails instead of logging in.
 */
function viaMaster(t: SshTarget): string[] {
  return ["-F", "/dev/null", "-o", `ControlPath=${t.controlPath}`];
}

/** argv that opens the master connection (authenticates once) and puts it in the background. */
export function masterArgs(t: SshTarget): string[] {
  return [
    ...(t.jump !== undefined ? hopConfigArgs(t.jump) : t.sshConfig === null ? [] : ["-F", t.sshConfig]),
    "-o",
    `ControlPath=${t.controlPath}`,
    "-o",
    "ControlMaster=yes",
    "-o",
    "ControlPersist=yes",
    // A busy port makes `-O forward` fail instead of silently not listening.
    "-o",
    "ExitOnForwardFailure=yes",
    // Forwards and a RemoteCommand the user configured for this host are not ours to open.
    "-o",
    "ClearAllForwardings=yes",
    "-o",
    "RemoteCommand=none",
    "-o",
    "ConnectTimeout=20",
    "-o",
    "ServerAliveInterval=30",
    "-f",
    "-N",
    "-T",
    "--",
    t.host,
  ];
}

/**
 * argv that runs `command` over the existing master. Never a new login: a vanished master or socket makes ssh fall
 * back to a direct connection, which ProxyCommand=false fails at once (and BatchMode never prompts).
 */
export function execArgs(t: SshTarget, command: string): string[] {
  return [
    ...viaMaster(t),
    "-o",
    "ControlMaster=no",
    "-o",
    "BatchMode=yes",
    "-o",
    "ProxyCommand=false",
    "-T",
    "--",
    t.host,
    command,
  ];
}

/** argv of a control command to the master: check, exit. */
export function controlArgs(t: SshTarget, op: "check" | "exit"): string[] {
  return [...viaMaster(t), "-O", op, "--", t.host];
}

/** The -L specification: always bound to 127.0.0.1 locally. */
export function forwardSpec(localPort: number, target: ForwardTarget): string {
  return "socket" in target
    ? `127.0.0.1:${localPort}:${target.socket}`
    : `127.0.0.1:${localPort}:${target.host ?? "127.0.0.1"}:${target.port}`;
}

/** argv that adds (forward) or removes (cancel) a local forward on the master. */
export function forwardArgs(
  t: SshTarget,
  op: "forward" | "cancel",
  localPort: number,
  target: ForwardTarget,
): string[] {
  return [...viaMaster(t), "-O", op, "-L", forwardSpec(localPort, target), "--", t.host];
}

export { shQuote };

/**
 * The command string ssh sends to the remote login shell. It always runs `sh -c` so the lookup works whatever the
 * login shell is (bash, zsh, tcsh, fish); `remoteCmd` (words, ~ allowed) replaces the default lookup, which prefers
 * jllocal's `own` version when given (src/core/remote-lookup.ts).
 */
export function remoteCommandLine(
  remoteCmd: string | null,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  own: OwnVersion | null = null,
): string {
  const script = lookupScript(remoteCmd, own, true);
  return [...envPrefix(env), "sh", "-c", shQuote(script), "jllocal", ...args.map(shQuote)].join(" ");
}

/** `env K=V …` before the command: variables for the remote jlremote whatever the login shell (fish, tcsh too). */
function envPrefix(env: Readonly<Record<string, string>>): string[] {
  const pairs = Object.entries(env).map(([k, v]) => shQuote(`${k}=${v}`));
  return pairs.length === 0 ? [] : ["env", ...pairs];
}

/**
 * Environment variable jllocal sets for the remote `jlremote start` (value `sock`): listen on the instance's unix socket
 * unless its settings (config file, remembered options) choose a TCP port or a batch job.
 */
export const LISTEN_DEFAULT_ENV = "JLREMOTE_LISTEN_DEFAULT";

/** The line statusOrStartLine prints on stdout between the status and the start. */
export const START_MARKER = "jllocal:starting";

/**
 * Environment variable that asks `jlremote status --json` to go on with `start --json` (its value: a JSON array of the
 * start options) in the same process when the instance is not running, after START_MARKER: the cold path then starts
 * one node instead of two. A jlremote that does not know it exits 3 and the shell runs `start` itself.
 */
export const OR_START_ENV = "JLREMOTE_OR_START";

/**
 * Environment variable set by the cold path's line (statusOrStartLine with `here`): the fd (3) on which the remote
 * jlremote writes its exit code once its answer is out. It may then go on as the instance's supervisor in the same
 * process (src/io/supervise-here.ts), its stdout and stderr given up so that ssh's session ends.
 */
export const ANSWER_FD_ENV = "JLREMOTE_ANSWER_FD";

/**
 * One round trip for the cold path: `jlremote status --json`, and only when it exits 3 (not running) `jlremote start
 * --json` after START_MARKER on stdout (in the same process when the remote jlremote knows OR_START_ENV, else run by
 * the shell right after); the exit code is the last command's. With `here` (and jllocal's own version known), when the
 * remote jlremote is that version (sameVersionScript) it runs in the background with its answer fd: the shell exits
 * with the code it writes there, and a start's supervisor may stay in that process.
 */
export function statusOrStartLine(
  remoteCmd: string | null,
  name: string,
  startArgs: readonly string[],
  env: Readonly<Record<string, string>> = {},
  own: OwnVersion | null = null,
  here = false,
): string {
  const lookup = lookupScript(remoteCmd, own, false);
  const inBackground =
    here && remoteCmd === null && own !== null
      ? `v() { ${sameVersionScript(own)}; }; if v; then exec 4>&1; ` +
        `{ (export ${OR_START_ENV}="$2" ${ANSWER_FD_ENV}=3; "$x" status --json --name "$1" 3>&1 >&4 4>&- &); } | ` +
        '{ read -r rc; exit "${rc:-0}"; }; exit $?; fi; '
      : "";
  const script =
    `j() { ${lookup}; }; ${inBackground}${OR_START_ENV}=$2; export ${OR_START_ENV}; j status --json --name "$1"; rc=$?; ` +
    `unset ${OR_START_ENV}; [ "$rc" -eq 3 ] || exit "$rc"; echo ${START_MARKER}; shift 2; j "$@"`;
  return [
    ...envPrefix(env),
    "sh",
    "-c",
    shQuote(script),
    "jllocal",
    shQuote(name),
    shQuote(JSON.stringify(startArgs)),
    ...["start", "--json", "--name", name, ...startArgs].map(shQuote),
  ].join(" ");
}

/** The master's PID from `ssh -O check` output ("Master running (pid=123)"), or null. */
export function parseMasterPid(text: string): number | null {
  const m = /Master running \(pid=(\d+)\)/.exec(text);
  return m ? Number(m[1]) : null;
}
