// The second hop of jllocal: a master to the login node that runs the instance, reached through the master to the
// node the cluster's round-robin name handed out (ProxyCommand `ssh -W` over that master: no new connection to it).
import { shQuote } from "./remote-lookup.js";

/** How a hop target is reached: through `via`'s master, with these `-o` options from `ssh -G` of `via`'s host. */
export interface Jump {
  via: { host: string; controlPath: string };
  options: string[];
}

/** ssh -G keys the hop inherits from the original target: who logs in, with which keys, trusting which host keys. */
const INHERITED = new Set([
  "user",
  "port",
  "identityfile",
  "identitiesonly",
  "identityagent",
  "certificatefile",
  "userknownhostsfile",
  "globalknownhostsfile",
  "stricthostkeychecking",
  "batchmode",
  "passwordauthentication",
  "kbdinteractiveauthentication",
  "preferredauthentications",
  "connecttimeout",
]);

/** `-o Key=value` argv for the hop from `ssh -G HOST` output (the effective settings of the original target). */
export function hopOptions(sshG: string): string[] {
  const out: string[] = [];
  for (const line of sshG.split(/\r?\n/)) {
    const m = /^(\S+)\s+(.+)$/.exec(line.trim());
    if (m === null) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (!INHERITED.has(key) || value === "none") continue;
    out.push("-o", `${key}=${value}`);
  }
  return out;
}

/** Is `host` a plain host name or address we may hand to ssh (it comes from the remote's state file)? */
export function isHopHost(host: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(host) || /^[0-9A-Fa-f:]+$/.test(host);
}

/** ssh escapes in ProxyCommand: a literal % is %%. */
function percent(s: string): string {
  return s.replaceAll("%", "%%");
}

/**
 * The ProxyCommand of a hop: a stdio forward (`-W %h:%p`) over `via`'s master, never a new login (ProxyCommand=false
 * when that master is gone, BatchMode never prompts).
 */
export function hopProxyCommand(via: Jump["via"]): string {
  const argv = [
    "ssh",
    "-F",
    "/dev/null",
    "-o",
    `ControlPath=${via.controlPath}`,
    "-o",
    "ControlMaster=no",
    "-o",
    "BatchMode=yes",
    "-o",
    "ProxyCommand=false",
    "-W",
    "%h:%p",
    "--",
    via.host,
  ];
  return argv.map((a) => (a === "%h:%p" ? a : percent(shQuote(a)))).join(" ");
}

/** The config part of a hop master's argv: no config file, the inherited options, the ProxyCommand. */
export function hopConfigArgs(jump: Jump): string[] {
  return ["-F", "/dev/null", ...jump.options, "-o", `ProxyCommand=${hopProxyCommand(jump.via)}`];
}
