// The `jlremote` launcher script that `jlremote install` writes: its text, how to recognise it, and PATH advice.
import { isDeployableVersion, launcherVersionLine } from "./remote-lookup.js";
import { ANSWER_FD_ENV } from "./ssh-command.js";

/** The second line of every launcher; how install/uninstall/doctor recognise one of ours. */
const LAUNCHER_MARKER = "# jlremote launcher: written by `jlremote install`, removed by `jlremote uninstall`.";

/** What a launcher runs: absolute paths of the node binary and the jlremote bundle. */
export interface LauncherTarget {
  node: string;
  bundle: string;
}

/** Single-quote a word for a POSIX shell (always quoted, so the parser below can find it again). */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replaceAll(`'\\''`, "'");
}

/**
 * The launcher line that starts node with `flags` (a supervisor's node flags) on jllocal's cold path, whose answer fd
 * the environment names: that process may go on as the instance's supervisor (src/io/supervise-here.ts), and without
 * them its RSS grew ~11 MB over figure 9's loop instead of ~3.5. Uses the launcher's `$node` and `$bundle`.
 */
export function hereNodeFlagsLine(flags: readonly string[]): string {
  return `if [ -n "\${${ANSWER_FD_ENV}-}" ]; then exec "$node" ${flags.map(quote).join(" ")} "$bundle" "$@"; fi`;
}

/**
 * The launcher's text: a POSIX sh script that execs node with the bundle by absolute path, passing "$@"; `version`
 * (the bundle's) on its third line when it is a plain version word; `hereFlags` for jllocal's cold path
 * (hereNodeFlagsLine) when given.
 */
export function renderLauncher(
  t: LauncherTarget,
  version: string | null = null,
  hereFlags: readonly string[] = [],
): string {
  return [
    "#!/bin/sh",
    LAUNCHER_MARKER,
    ...(version !== null && isDeployableVersion(version) ? [launcherVersionLine(version)] : []),
    "# Absolute paths, so it works with the bare PATH of a non-interactive `ssh host jlremote ...`.",
    `node=${quote(t.node)}`,
    `bundle=${quote(t.bundle)}`,
    'if [ ! -x "$node" ] || [ ! -f "$bundle" ]; then',
    '  echo "jlremote: this launcher ($0) runs $node $bundle, which is gone; install jlremote again and run \\`jlremote install\\`" >&2',
    "  exit 127",
    "fi",
    ...(hereFlags.length > 0 ? [hereNodeFlagsLine(hereFlags)] : []),
    'exec "$node" "$bundle" "$@"',
    "",
  ].join("\n");
}

/** The target of a launcher we wrote, or null when `text` is not one of ours. */
export function parseLauncher(text: string): LauncherTarget | null {
  if (!text.startsWith(`#!/bin/sh\n${LAUNCHER_MARKER}\n`)) return null;
  const node = /^node=('(?:[^']|'\\'')*')$/m.exec(text)?.[1];
  const bundle = /^bundle=('(?:[^']|'\\'')*')$/m.exec(text)?.[1];
  if (node === undefined || bundle === undefined) return null;
  return { node: unquote(node), bundle: unquote(bundle) };
}

/** Is `path` inside a temporary or throw-away location (a temp dir, npx's cache), so a launcher to it would break? */
export function isTemporaryLocation(path: string, tempDirs: readonly string[]): boolean {
  if (/\/_npx\/|\/\.npm\/_cacache\//.test(path)) return true;
  return tempDirs.some((d) => d !== "" && d !== "/" && (path === d || path.startsWith(`${d.replace(/\/+$/, "")}/`)));
}

/** Is `dir` one of the entries of a PATH string? */
export function dirOnPath(dir: string, path: string): boolean {
  const norm = (d: string) => (d.length > 1 ? d.replace(/\/+$/, "") : d);
  return path.split(":").some((e) => e !== "" && norm(e) === norm(dir));
}

/** `dir` with the home prefix written as $HOME (for lines the user pastes into a shell file). */
function homeRelative(dir: string, home: string): string {
  return home !== "" && home !== "/" && dir.startsWith(`${home}/`) ? `$HOME${dir.slice(home.length)}` : dir;
}

/** How to put `dir` on the PATH of non-interactive ssh commands, for the user's login shell. */
export function pathAdvice(dir: string, home: string, loginShell: string): string {
  const d = homeRelative(dir, home);
  const shell = loginShell.split("/").pop() ?? "";
  if (shell === "bash")
    return `add 'export PATH="${d}:$PATH"' as the first line of ~/.bashrc (above its "not running interactively" return; ssh commands read only that file)`;
  if (shell === "zsh") return `add 'export PATH="${d}:$PATH"' to ~/.zshenv (the file zsh reads for ssh commands)`;
  if (shell === "fish") return `add 'fish_add_path ${d}' to ~/.config/fish/config.fish`;
  if (shell === "tcsh" || shell === "csh") return `add 'setenv PATH "${d}:$PATH"' to ~/.cshrc`;
  return `add ${d} to PATH in a file your login shell (${loginShell || "unknown"}) reads for non-interactive commands`;
}

/** What install knows about reaching the launcher `file` (in `dir`) from `ssh HOST ...`. */
export interface ReachInput {
  file: string;
  dir: string;
  home: string;
  /** PATH of a non-interactive ssh command, and the login shell. */
  sshPath: string;
  shell: string;
  /** The first `jlremote` on that PATH, or null. */
  firstOnPath: string | null;
}

/** One line for install: whether `ssh HOST jlremote` reaches this launcher, and how to make it so. */
export function describeReach(i: ReachInput): string {
  const where = `the PATH of non-interactive ssh commands (${i.shell} -c: ${i.sshPath})`;
  if (i.firstOnPath === i.file) return `${i.dir} is on ${where}: \`ssh HOST jlremote ...\` runs this launcher`;
  const advice = pathAdvice(i.dir, i.home, i.shell);
  if (i.firstOnPath !== null) {
    return `\`ssh HOST jlremote\` runs ${i.firstOnPath}, which comes first on ${where}, not this launcher; remove that one, or ${advice} (in front of it)`;
  }
  const shown =
    i.home !== "" && i.home !== "/" && i.file.startsWith(`${i.home}/`) ? `~${i.file.slice(i.home.length)}` : i.file;
  const byJllocal =
    i.file === `${i.home}/.local/bin/jlremote`
      ? "jllocal finds it there by itself; "
      : `jllocal needs --remote-cmd ${shown}; `;
  return `${i.dir} is not on ${where}: use \`ssh HOST ${shown} ...\` (${byJllocal}for plain \`ssh HOST jlremote\`, ${advice})`;
}
