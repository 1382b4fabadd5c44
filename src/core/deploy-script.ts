// The remote half of jllocal's self-deploy: one `sh` that reads a tar stream on stdin into a temp dir, renames it into
// place (so a cut connection leaves nothing usable), unpacks a pushed Node.js once, and writes the launchers.
import { DEPLOY_ROOT, shQuote } from "./remote-lookup.js";
import type { NodeChoice } from "./node-runtime.js";

/** The member the stream ends with: present only when everything before it arrived. */
export const COMPLETE_MEMBER = "complete";
/** Where the bundle travels inside the stream (jlremote.cjs and python/). */
export const BUNDLE_PREFIX = "bundle/";
/** The pushed runtime's npm tarball inside the stream. */
export const RUNTIME_MEMBER = "node.tgz";
/** The line the script prints on stdout when it is done; `launcher=` lines before it say what became of ~/.local/bin. */
const DEPLOYED_MARKER = "jllocal:deployed";

/**
 * The script (run as `sh -c SCRIPT jllocal VERSION MODE ARG`; MODE path: ARG is the node; runtime/push: ARG its
 * version). A version directory that exists is never replaced: instances may run from it.
 */
const SCRIPT = [
  "set -e",
  "umask 022",
  "v=$1; mode=$2; arg=$3",
  `base="$HOME/${DEPLOY_ROOT}"`,
  'final="$base/$v"',
  'mkdir -p "$base"',
  // Leftovers of a run killed outright (a cut connection ends this script through the trap below).
  "find \"$base\" -maxdepth 1 -name '.incoming-*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true",
  'tmp="$base/.incoming-$v-$$"',
  'rm -rf "$tmp"',
  "trap 'rm -rf \"$tmp\"' EXIT",
  "trap 'exit 1' HUP INT TERM PIPE",
  'mkdir "$tmp"',
  'tar -xf - -C "$tmp"',
  `[ -f "$tmp/${COMPLETE_MEMBER}" ] || { echo "jlremote: the copy was cut short; run jllocal again" >&2; exit 1; }`,
  "case $mode in",
  "  path) node=$arg ;;",
  '  runtime) node="$base/node-$arg/bin/node" ;;',
  "  push)",
  '    rt="$base/node-$arg"; node="$rt/bin/node"',
  '    if [ ! -x "$node" ]; then',
  '      mkdir "$tmp/rt"',
  `      tar -xzf "$tmp/${RUNTIME_MEMBER}" -C "$tmp/rt" package/bin/node package/LICENSE`,
  '      "$tmp/rt/package/bin/node" --version >/dev/null',
  '      rm -rf "$rt"',
  '      mv "$tmp/rt/package" "$rt"',
  "    fi ;;",
  "esac",
  `if [ ! -f "$final/jlremote.cjs" ]; then rm -rf "$final"; mv "$tmp/${BUNDLE_PREFIX.slice(0, -1)}" "$final"; fi`,
  // The per-version launcher jllocal's lookup runs (written last: its presence means the version is usable).
  '"$node" "$final/jlremote.cjs" install --bin-dir "$final/bin" >/dev/null',
  'if out=$("$node" "$final/jlremote.cjs" install 2>&1); then echo "launcher=ok"; else',
  '  echo "launcher=kept"; printf "%s\\n" "$out" | grep "^jlremote: " | head -n 1 | sed "s/^/launcherError=/"',
  "fi",
  `echo ${DEPLOYED_MARKER}`,
].join("\n");

/** The remote command line of the deploy for `version` with `node`. */
export function deployCommandLine(version: string, node: NodeChoice): string {
  const [mode, arg] = node.kind === "path" ? ["path", node.node] : [node.kind, node.version];
  return ["sh", "-c", shQuote(SCRIPT), "jllocal", shQuote(version), mode, shQuote(arg)].join(" ");
}

/** What the deploy said about ~/.local/bin/jlremote: written/updated, or kept (not ours) with the reason. */
export function parseDeployOutput(stdout: string): { done: boolean; launcher: "ok" | "kept"; why: string | null } {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(stdout)?.[1] ?? null;
  return {
    done: stdout.includes(DEPLOYED_MARKER),
    launcher: get("launcher") === "ok" ? "ok" : "kept",
    why: get("launcherError")?.replace(/^jlremote: /, "") ?? null,
  };
}
