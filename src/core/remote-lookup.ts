// Which jlremote a remote command runs: --remote-cmd as given, else jllocal's own deployed version, then PATH and
// ~/.local/bin; when none fits and jllocal may install, a probe of the remote (home, OS, node, glibc) and exit 94.

/** Where deployed versions and runtimes live, relative to the remote home. */
export const DEPLOY_ROOT = ".local/share/jlremote";

/** Exit code of a remote command whose lookup found no jlremote to run and printed the probe instead. */
export const DEPLOY_EXIT = 94;

/** The line before the probe's `key=value` lines on stdout. */
export const PROBE_MARKER = "jllocal:probe";

/** What the lookup needs to prefer jllocal's own version (null: the plain lookup of PATH, then ~/.local/bin). */
export interface OwnVersion {
  version: string;
  /** Print the probe and exit DEPLOY_EXIT when no jlremote fits (jllocal installs); false: exit 127 (--no-install). */
  probe: boolean;
  /** An explicit node for the remote (--remote-node), probed instead of the PATH's; a leading ~/ is the remote home. */
  remoteNode: string | null;
}

/** Quote one word for a POSIX shell. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A remote path as a shell word: a leading `~/` becomes "$HOME"/. */
export function remotePathWord(path: string): string {
  return path.startsWith("~/") ? `"$HOME"/${shQuote(path.slice(2))}` : shQuote(path);
}

/** Is `v` safe as a directory name of a deployed version (and in a shell word)? */
export function isDeployableVersion(v: string): boolean {
  return /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/.test(v);
}

/** A launcher's third line (src/core/launcher.ts): the version of the bundle it runs, read by sameVersionScript. */
export function launcherVersionLine(version: string): string {
  return `# jlremote-version: ${version}`;
}

/**
 * Shell code (a function body) that returns 0 and sets `x` to the jlremote the lookup would run when that one is
 * `own`'s version: its deployed copy, or a launcher whose version line names it (a `jlremote install` of the same
 * version); else returns 1. Read only: the first 6 lines of that launcher.
 */
export function sameVersionScript(own: OwnVersion): string {
  const deployed = `"$HOME"/${DEPLOY_ROOT}/${shQuote(own.version)}/bin/jlremote`;
  return (
    `x=${deployed}; [ -x "$x" ] && return 0; ` +
    'if command -v jlremote >/dev/null 2>&1; then x=$(command -v jlremote); else x="$HOME/.local/bin/jlremote"; fi; ' +
    '[ -x "$x" ] && [ -f "$x" ] || return 1; i=0; ' +
    `while [ "$i" -lt 6 ] && IFS= read -r l; do [ "$l" = ${shQuote(launcherVersionLine(own.version))} ] && return 0; ` +
    'i=$((i+1)); done < "$x"; return 1'
  );
}

const NOT_FOUND = 'echo "jlremote: command not found" >&2; exit 127';

/** The probe: facts jllocal needs to install (one `key=value` a line after PROBE_MARKER), then exit DEPLOY_EXIT. */
function probeScript(remoteNode: string | null): string {
  const node = remoteNode === null ? "n=$(command -v node 2>/dev/null) || n=" : `n=${remotePathWord(remoteNode)}`;
  return [
    `echo ${PROBE_MARKER}`,
    'echo "home=$HOME"',
    'echo "uname=$(uname -sm 2>/dev/null)"',
    node,
    'echo "node=$n"',
    'if [ -n "$n" ]; then echo "nodeVersion=$("$n" --version 2>/dev/null)"; fi',
    "g=$(getconf GNU_LIBC_VERSION 2>/dev/null) || g=$(ldd --version 2>&1 | head -n 1)",
    'echo "glibc=$g"',
    `for r in "$HOME"/${DEPLOY_ROOT}/node-*/bin/node; do [ -x "$r" ] && echo "runtime=$r"; done`,
    `exit ${DEPLOY_EXIT}`,
  ].join("; ");
}

/**
 * The shell code that runs jlremote with "$@" (`exec`: replace the shell). With `own`: the deployed copy of that
 * version first (one file test on the warm path); then PATH and ~/.local/bin, unless what they hold is a launcher
 * jllocal deployed for another version; else the probe (or exit 127).
 */
export function lookupScript(remoteCmd: string | null, own: OwnVersion | null, exec: boolean): string {
  const x = exec ? "exec " : "";
  if (remoteCmd !== null) return `${x}${remoteCmd} "$@"`;
  if (own === null) {
    return (
      `if command -v jlremote >/dev/null 2>&1; then ${x}jlremote "$@"; ` +
      `elif [ -x "$HOME/.local/bin/jlremote" ]; then ${x}"$HOME/.local/bin/jlremote" "$@"; ` +
      `else ${NOT_FOUND}; fi`
    );
  }
  const own_ = `"$HOME"/${DEPLOY_ROOT}/${shQuote(own.version)}/bin/jlremote`;
  const missing = own.probe ? probeScript(own.remoteNode) : NOT_FOUND;
  // Another version's deployed launcher (its bundle= line, within its first lines, under DEPLOY_ROOT) is not what this
  // jllocal wants; read with shell builtins only (no process on the path of manual installs).
  const otherDeployed = own.probe
    ? 'o=; i=0; while [ "$i" -lt 6 ] && IFS= read -r l; do ' +
      `case $l in "bundle='"*/${DEPLOY_ROOT}/*) o=1 ;; esac; i=$((i+1)); done < "$p" 2>/dev/null; `
    : "o=; ";
  return (
    `if [ -x ${own_} ]; then ${x}${own_} "$@"; else ` +
    "if command -v jlremote >/dev/null 2>&1; then p=$(command -v jlremote); " +
    'elif [ -x "$HOME/.local/bin/jlremote" ]; then p="$HOME/.local/bin/jlremote"; else p=; fi; ' +
    `o=; if [ -n "$p" ]; then ${otherDeployed}fi; ` +
    `if [ -n "$p" ] && [ -z "$o" ]; then ${x}"$p" "$@"; else ${missing}; fi; fi`
  );
}

/** What the probe found on the remote. */
export interface RemoteProbe {
  home: string;
  /** `uname -sm`, e.g. "Linux x86_64". */
  uname: string;
  /** The node found (or given), its `--version` output ("" when it did not run). */
  node: string;
  nodeVersion: string;
  /** `getconf GNU_LIBC_VERSION` or the first line of `ldd --version`. */
  glibc: string;
  /** Node runtimes jllocal deployed before (absolute paths of their bin/node). */
  runtimes: string[];
}

/** The probe after PROBE_MARKER in `stdout`, or null when there is none. */
export function parseProbe(stdout: string): RemoteProbe | null {
  const at = stdout.lastIndexOf(`${PROBE_MARKER}\n`);
  if (at < 0) return null;
  const p: RemoteProbe = { home: "", uname: "", node: "", nodeVersion: "", glibc: "", runtimes: [] };
  for (const line of stdout.slice(at + PROBE_MARKER.length + 1).split("\n")) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const [k, v] = [line.slice(0, eq), line.slice(eq + 1).trim()];
    if (k === "runtime") p.runtimes.push(v);
    else if (k === "home" || k === "uname" || k === "node" || k === "nodeVersion" || k === "glibc") p[k] = v;
  }
  return p.home === "" ? null : p;
}
