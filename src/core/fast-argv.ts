// The fast argv parsers: `status`/`url` (the path `jllocal` takes over ssh) and the canonical argv of start, run, stop,
// restart and `jllocal HOST`, read from the same option tables yargs gets, without loading yargs.
import { camel, jsonOption, nameOption, type OptionTable } from "./option-table.js";

/** A status or url call with only --json and --name. */
export interface FastStatusArgs {
  command: "status" | "url";
  name: string;
  json: boolean;
}

// The tables of `status` and `url` (src/core/jlremote-options.ts holds the same; a unit test keeps them equal).
const statusOptions: OptionTable = { name: nameOption, json: jsonOption };
const urlOptions: OptionTable = { name: nameOption };
// `stop` takes the same (only --name).

/** The call, or null when anything else is on the command line (then yargs parses it, help and errors included). */
export function parseFastStatus(argv: readonly string[]): FastStatusArgs | null {
  const [command, ...rest] = argv;
  if (command !== "status" && command !== "url") return null;
  const a = parseOptions(rest, command === "status" ? statusOptions : urlOptions, 0, false);
  // An empty --name= is yargs' to report.
  if (a === null || a.name === "") return null;
  return { command, name: String(a.name), json: a.json === true };
}

/** `stop` with only --name: the stop signals the supervisor before the command tree is loaded. */
export function parseFastStop(argv: readonly string[]): { name: string } | null {
  const [command, ...rest] = argv;
  if (command !== "stop") return null;
  const a = parseOptions(rest, urlOptions, 0, false);
  return a === null || a.name === "" ? null : { name: String(a.name) };
}

/** The parts of an option spec (an OptionDef or a yargs spec) the canonical parser reads. */
export interface OptionSpec {
  type: "string" | "boolean" | "number";
  default?: unknown;
  dashValue?: boolean;
}

/**
 * Parse the canonical argv that jlremote itself, systemd units and jllocal send (`--opt value`, `--opt=value`, `--flag`,
 * `--no-flag` of a flag that defaults to true, `-- extra…`) into what yargs would give a handler (defaults, camelCase
 * keys, `--`); null for anything else.
 */
export function parseCanonical(
  args: readonly string[],
  specs: Readonly<Record<string, OptionSpec>>,
): Record<string, unknown> | null {
  return parseOptions(args, specs, 0, true);
}

/**
 * The one fast parser: options of `specs` in canonical form, up to `positionals` words (as `_`), `--` and extra words
 * after it when `extra`; null whenever yargs could read the argv differently (it then parses it, errors included).
 */
export function parseOptions(
  args: readonly string[],
  specs: Readonly<Record<string, OptionSpec>>,
  positionals: number,
  extra: boolean,
): Record<string, unknown> | null {
  // A spec with more than these (choices, coerce, alias, conflicts…) needs yargs' own validation.
  for (const key in specs) for (const k in specs[key]) if (!plainSpecKeys.has(k)) return null;
  const out: Record<string, unknown> = extra ? { "--": [] } : {};
  for (const key in specs) {
    const v = (specs[key] as OptionSpec).default;
    if (v !== undefined) out[camel(key)] = v;
  }
  const words: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === "--" && extra) return { ...out, "--": args.slice(i + 1) };
    if (!arg.startsWith("--") || arg === "--") {
      if (arg.startsWith("-") || words.length >= positionals) return null;
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    let key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    // `--no-x` is canonical only for a flag that defaults to true (`--no-wait`, `--no-browser`).
    const negated =
      key.startsWith("no-") && eq < 0 && specs[key.slice(3)]?.default === true && !Object.hasOwn(specs, key);
    if (negated) key = key.slice(3);
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    // Numbers, aliases, repeats and `--flag=value` have yargs semantics of their own: leave them to yargs.
    if (spec === undefined || spec.type === "number" || seen.has(key)) return null;
    seen.add(key);
    if (spec.type === "boolean") {
      if (eq >= 0) return null;
      out[camel(key)] = !negated;
      continue;
    }
    const next = args[i + 1];
    if (eq < 0 && (next === undefined || (next.startsWith("-") && spec.dashValue !== true))) return null;
    out[camel(key)] = eq < 0 ? next : arg.slice(eq + 1);
    if (eq < 0) i += 1;
  }
  if (words.length > 0) out._ = words;
  return out;
}

// What an OptionDef or a yargs spec may hold for the fast parser to read it like yargs does.
const plainSpecKeys = new Set([
  "type",
  "default",
  "describe",
  "hidden",
  "shownDefault",
  "dashValue",
  "setting",
  "value",
]);

/** The start options a status call is to go on with when not running (OR_START_ENV's JSON array of strings), or null. */
export function parseOrStart(value: string | undefined): string[] | null {
  if (value === undefined || value === "") return null;
  try {
    const v: unknown = JSON.parse(value);
    return Array.isArray(v) && v.every((a) => typeof a === "string") ? (v as string[]) : null;
  } catch {
    return null;
  }
}
