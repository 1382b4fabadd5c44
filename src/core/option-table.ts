// Command-line options as data (no yargs here): yargs, the fast argv parsers, the help and docs/commands/ are built
// from these tables (src/core/jlremote-options.ts, src/core/jllocal-options.ts). This module is on the fast paths of
// `jlremote status` and `jllocal HOST`: keep it small and free of imports that do work at load.
import type { SettingKey } from "./settings.js";

/** One option: how it parses, what the help says, what checks its value. */
export interface OptionDef {
  readonly type: "string" | "boolean" | "number";
  /** What the parser gives when the option is absent; none: absent falls through (remembered settings, config file). */
  readonly default?: string | boolean | number;
  /** The help text, without the default. */
  readonly describe: string;
  /** The default the help names when the parser has none (the settings layers apply it later). */
  readonly shownDefault?: string | number | boolean;
  readonly alias?: string;
  /** The value's placeholder in usage lines and docs (default VALUE). */
  readonly value?: string;
  /** Left out of the help and docs (internal). */
  readonly hidden?: boolean;
  /** A value that starts with a dash is still this option's value (`--sbatch '-p gpu'`). */
  readonly dashValue?: boolean;
  /** The setting whose checker (checkSetting in src/core/settings.ts) validates the value. */
  readonly setting?: SettingKey;
}

/** The options of one command, by their long name (kebab-case). */
export type OptionTable = Readonly<Record<string, OptionDef>>;

/** One command: its usage word(s) as yargs takes them, its help line, its options, its subcommands. */
export interface CommandDef {
  readonly usage: string;
  readonly describe: string;
  readonly options: OptionTable;
  readonly commands?: readonly CommandDef[];
  /** What words after `--` do (the help and docs say it; yargs passes them on as `--`). */
  readonly extraArgs?: string;
}

/** `--name`: the instance an instance command acts on. */
export const nameOption: OptionDef = { type: "string", value: "NAME", default: "default", describe: "instance name" };
/** `--json`: one JSON line on stdout instead of text. */
export const jsonOption: OptionDef = { type: "boolean", default: false, describe: "print JSON" };

/** The help line of an option: its text and, when the parser has no default of its own, the one that applies. */
function helpText(def: OptionDef): string {
  return def.shownDefault === undefined ? def.describe : `${def.describe} (default: ${String(def.shownDefault)})`;
}

/** The option specs yargs takes (`.options(...)`), with the help text built from the table. */
export function parserSpecs(table: OptionTable, fill: (help: string) => string = (h) => h): Record<string, ParserSpec> {
  const out: Record<string, ParserSpec> = {};
  for (const [key, def] of Object.entries(table)) {
    const spec: ParserSpec = { type: def.type, describe: fill(helpText(def)) };
    if (def.default !== undefined) spec.default = def.default;
    if (def.alias !== undefined) spec.alias = def.alias;
    if (def.hidden === true) spec.hidden = true;
    out[key] = spec;
  }
  return out;
}

/** One yargs option spec (the subset of yargs' Options this project uses). */
export interface ParserSpec {
  type: "string" | "boolean" | "number";
  describe: string;
  default?: string | boolean | number;
  alias?: string;
  hidden?: boolean;
}

/**
 * Joins `--opt VALUE` into `--opt=VALUE` for the options of `tables` whose values may start with a dash
 * (`--sbatch '-p gpu -t 1:00:00'`), so no parser reads the value as a flag; nothing after `--` is touched.
 */
export function joinDashValues(argv: readonly string[], tables: readonly OptionTable[]): string[] {
  const dashed = new Set<string>();
  for (const table of tables) for (const [key, def] of Object.entries(table)) if (def.dashValue) dashed.add(`--${key}`);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === "--") return [...out, ...argv.slice(i)];
    if (dashed.has(a) && i + 1 < argv.length) out.push(`${a}=${argv[((i += 1))] as string}`);
    else out.push(a);
  }
  return out;
}

/** The camelCase key yargs gives a handler for an option (`root-dir` → `rootDir`). */
export function camel(key: string): string {
  // Most keys have no dash: no regular expression to compile (status's path, figure 1a).
  return key.includes("-") ? key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) : key;
}
