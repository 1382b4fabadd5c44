// The warm supervisor: `start` spawns the supervisor's node as its first step (`run --warm`), so node's start and the
// command tree's compile overlap start's own work (lock, instance check, remembered settings). The warm process does
// nothing until start sends it one go line on stdin (the run argv and the root dir); EOF without one: it exits.
import { EARLY_TARGET_ENV } from "./early-target.js";
import { parkForNodeStart } from "./node-startup-env.js";
import { LISTEN_DEFAULT_ENV } from "./ssh-command.js";

type Env = Record<string, string | undefined>;

/** The warm process's argv after the bundle: `run --warm`, and `--name N` when known (for `ps`; go's argv rules). */
const WARM_FLAG = "--warm";

/** How long a warm process waits for its go line before it exits by itself (a start that took another way). */
export const WARM_WAIT_MS = 60_000;

/** A warm process older than this is not used (it may be about to time out): start spawns a fresh one. */
export const WARM_USABLE_MS = 45_000;

/** A warm supervisor process that start may use once (src/io/warm-supervisor.ts); `Child` is the spawned process. */
export interface WarmSupervisor<Child> {
  /**
   * Send it `go` when it was spawned as `argv0` (node, flags, bundle) with `env` and still waits: it becomes that
   * supervisor (returned). Otherwise it is let go and null says: spawn a fresh one.
   */
  launch(argv0: readonly string[], env: Env, go: WarmGo): Child | null;
  /** Let it go now (a start whose instance runs elsewhere: a batch job, a unit): it exits at that EOF. */
  letGo(): void;
}

/**
 * The kernel keeper a warm process spawns as its first step (its Python start overlaps the command tree's compile),
 * before it knows the instance's options: `python` is a guess (the `jupyter` on PATH), `script` the keeper it runs.
 */
export interface EarlyKeeper<P> {
  python: string;
  script: string;
  process: P;
}

/** Can the supervisor use the keeper started ahead: the same Python its Jupyter runs on, the same script? */
export function earlyKeeperFits(early: { python: string; script: string }, python: string, script: string): boolean {
  return early.python === python && early.script === script;
}

/** What a warm process is told: the supervisor's argv (from `run`) and the directory it runs in (the root dir). */
export interface WarmGo {
  argv: string[];
  cwd: string;
}

/**
 * The supervisor's spawn environment: jllocal's flags (cancel on EOF, listen default, early target) are for the start
 * command only, the instance marker is dropped (started from another instance's terminal, the supervisor is no process
 * of that instance), and NODE_EXTRA_CA_CERTS is parked for node's start (core/node-startup-env.ts).
 */
export function supervisorSpawnEnv(env: Env): Env {
  const out = parkForNodeStart(env);
  for (const k of ["JLREMOTE_INSTANCE", "JLREMOTE_CANCEL_ON_EOF", LISTEN_DEFAULT_ENV, EARLY_TARGET_ENV]) delete out[k];
  return out;
}

/** Do two spawn environments give a child the same variables (unset and undefined alike)? */
export function sameSpawnEnv(a: Env, b: Env): boolean {
  const defined = (e: Env) =>
    Object.keys(e)
      .filter((k) => e[k] !== undefined)
      .sort()
      .map((k) => [k, e[k]]);
  return JSON.stringify(defined(a)) === JSON.stringify(defined(b));
}

/**
 * The warm process's argv words for a `start` argv that will most likely spawn a supervisor here, or null: another
 * command, a scheduler or a profile named (a batch job or a unit runs the supervisor elsewhere), help or version.
 * A guess only: a start that finds its instance running, or a scheduler from the settings files, lets it go unused.
 */
export function warmArgsFor(argv: readonly string[]): string[] | null {
  if (argv[0] !== "start") return null;
  const own = argv.slice(1, argv.includes("--") ? argv.indexOf("--") : argv.length);
  if (own.some((a) => /^(--scheduler|--profile|--help|--version|-h)(=|$)/.test(a))) return null;
  const name = optionValue(argv, "--name");
  const jupyter = optionValue(argv, "--jupyter");
  // Only a plain name goes on the warm command line (it is shown by ps, never parsed as an option there); a given
  // --jupyter goes too (its Python runs the keeper started ahead), unless it could read as an option.
  return [
    "run",
    WARM_FLAG,
    ...(name !== null && /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/.test(name) ? ["--name", name] : []),
    ...(jupyter !== null && jupyter !== "" && !jupyter.startsWith("-") ? ["--jupyter", jupyter] : []),
  ];
}

/** Is this the argv of a warm process (`run --warm …`)? */
export function isWarmArgv(argv: readonly string[]): boolean {
  return argv[0] === "run" && argv[1] === WARM_FLAG;
}

/**
 * The `--jupyter` of a supervisor's `run` argv (a batch job's, a unit's, or a warm process's when start was given one;
 * `jupyter` when it names none), whose Python runs the keeper the supervisor starts ahead; null for another argv.
 */
export function keeperJupyter(argv: readonly string[]): string | null {
  return argv[0] === "run" ? (optionValue(argv, "--jupyter") ?? "jupyter") : null;
}

/** The last value of `flag` (`--flag value` or `--flag=value`) among the command's own words (before `--`), or null. */
function optionValue(argv: readonly string[], flag: string): string | null {
  let value: string | null = null;
  for (let i = 1; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (a === flag && i + 1 < argv.length) value = argv[(i += 1)] as string;
    else if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
  }
  return value;
}

/** The go line start sends. */
export function encodeGo(go: WarmGo): string {
  return `${JSON.stringify(go)}\n`;
}

/** The go line's contents, or null (nothing sent: start took another way or died; or not a go line). */
export function decodeGo(text: string): WarmGo | null {
  const line = text.split("\n")[0] ?? "";
  if (line === "") return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null) return null;
  const { argv, cwd } = o as Record<string, unknown>;
  if (!Array.isArray(argv) || argv[0] !== "run" || !argv.every((a) => typeof a === "string")) return null;
  if (typeof cwd !== "string" || !cwd.startsWith("/")) return null;
  return { argv: argv as string[], cwd };
}
