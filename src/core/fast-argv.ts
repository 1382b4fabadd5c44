// Recognizes the argv of `status`/`url` calls that need no option parser (the path `jllocal` takes over ssh).

/** A status or url call with only --json and --name. */
export interface FastStatusArgs {
  command: "status" | "url";
  name: string;
  json: boolean;
}

/** The call, or null when anything else is on the command line (then yargs parses it, help and errors included). */
export function parseFastStatus(argv: readonly string[]): FastStatusArgs | null {
  const [command, ...rest] = argv;
  if (command !== "status" && command !== "url") return null;
  const out: FastStatusArgs = { command, name: "default", json: false };
  let named = false;
  for (let i = 0; i < rest.length; i += 1) {
    const a = rest[i] as string;
    // A repeated --name is an array to yargs (a usage error): leave it to yargs.
    if (a === "--name" || a.startsWith("--name=")) {
      if (named) return null;
      named = true;
    }
    if (a === "--json" && command === "status") out.json = true;
    else if (a === "--name" && i + 1 < rest.length && !(rest[i + 1] as string).startsWith("-"))
      out.name = rest[(i += 1)] as string;
    else if (a.startsWith("--name=") && a.length > "--name=".length) out.name = a.slice("--name=".length);
    else return null;
  }
  return out;
}

/** The parts of a yargs option spec the canonical parser reads. */
export interface OptionSpec {
  type: "string" | "boolean" | "number";
  default?: unknown;
}

/**
 * Parse the canonical argv that jlremote itself, systemd units and jllocal send (`--opt value`, `--opt=value`, `--flag`,
 * `-- extra…`) into what yargs would give a handler (defaults, camelCase keys, `--`); null for anything else.
 */
export function parseCanonical(
  args: readonly string[],
  specs: Readonly<Record<string, OptionSpec>>,
): Record<string, unknown> | null {
  // A spec with more than these (choices, coerce, alias, conflicts…) needs yargs' own validation.
  if (Object.values(specs).some((spec) => Object.keys(spec).some((k) => !plainSpecKeys.has(k)))) return null;
  const out: Record<string, unknown> = { "--": [] };
  for (const [key, spec] of Object.entries(specs)) if (spec.default !== undefined) out[camel(key)] = spec.default;
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === "--") return { ...out, "--": args.slice(i + 1) };
    if (!arg.startsWith("--")) return null;
    const eq = arg.indexOf("=");
    const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    // Numbers, negations, aliases and repeats have yargs semantics of their own: leave them to yargs.
    if (spec === undefined || spec.type === "number" || seen.has(key)) return null;
    seen.add(key);
    if (spec.type === "boolean") {
      if (eq >= 0) return null;
      out[camel(key)] = true;
      continue;
    }
    const next = args[i + 1];
    if (eq < 0 && (next === undefined || next.startsWith("-"))) return null;
    out[camel(key)] = eq < 0 ? next : arg.slice(eq + 1);
    if (eq < 0) i += 1;
  }
  return out;
}

const plainSpecKeys = new Set(["type", "default", "describe", "hidden"]);

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

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
