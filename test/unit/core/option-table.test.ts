// Generated from the option table: every option of every command, in every spelling, through yargs and (where the
// command has one) the fast parser; whatever the fast parser accepts must be what yargs gives the handler.
import assert from "node:assert/strict";
import { test } from "node:test";
import yargs, { type Argv } from "yargs";
import { canonical, joinDashValues } from "../../../src/cli-commands.js";
import { parseCanonical, parseFastStatus } from "../../../src/core/fast-argv.js";
import { connectOptions, jllocalCommands } from "../../../src/core/jllocal-options.js";
import { jlremoteCommands } from "../../../src/core/jlremote-options.js";
import { parseFastConnect } from "../../../src/core/local-argv.js";
import {
  type CommandDef,
  joinDashValues as joinDash,
  type OptionDef,
  parserSpecs,
} from "../../../src/core/option-table.js";

type Parsed = Record<string, unknown>;
type Fast = (args: string[]) => Parsed | null;

/** Every command with its words (`service install`), parents first. */
function flatten(defs: readonly CommandDef[], parent: string[] = []): { words: string[]; def: CommandDef }[] {
  return defs.flatMap((def) => {
    const words = [...parent, def.usage];
    return [{ words, def }, ...flatten(def.commands ?? [], words)];
  });
}

/** What yargs, configured from the table as src/*-commands.ts configure it, hands the command's handler (or its error). */
async function viaYargs(words: string[], def: CommandDef, args: string[], bin: "jlremote" | "jllocal") {
  let got: Parsed | undefined;
  const word = (w: string) => w.split(" ")[0] as string;
  const leaf = (y: Argv, rest: string[]): Argv => {
    const [w, ...more] = rest as [string, ...string[]];
    if (more.length > 0) return y.command(w, "", (c) => leaf(c, more));
    return y.command(
      w,
      def.describe,
      (c) => c.options(parserSpecs(def.options)),
      (a) => {
        got = a as Parsed;
      },
    );
  };
  const prefix = words.map(word).filter((w) => w !== "$0");
  // As the entry points do: --sbatch values joined before yargs sees them.
  const all = [...prefix, ...args];
  const argv = bin === "jlremote" ? joinDashValues(all) : joinDash(all, [connectOptions]);
  try {
    await leaf(yargs(argv), words)
      .parserConfiguration({ "populate--": true })
      .strict()
      .exitProcess(false)
      .help(false)
      .version(false)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync();
  } catch (err) {
    return { error: (err as Error).message };
  }
  assert.ok(got, `${bin} ${[...prefix, ...args].join(" ")}: no handler ran`);
  return { parsed: got };
}

/** The fast parser of a command, as the entry points call it; undefined when the command has none. */
function fastOf(bin: "jlremote" | "jllocal", words: string[]): Fast | undefined {
  const key = words.join(" ");
  if (bin === "jllocal")
    return key === "$0 [host]" ? (args) => parseFastConnect(args) as unknown as Parsed | null : undefined;
  if (key === "status" || key === "url") return (args) => parseFastStatus([key, ...args]) as unknown as Parsed | null;
  if (Object.hasOwn(canonical, key))
    return (args) => parseCanonical(joinDashValues(args), canonical[key as keyof typeof canonical][0]);
  return undefined;
}

/** The spellings of one option: [argv, whether the fast parser must take it]. */
function spellings(key: string, def: OptionDef): [string[], boolean][] {
  if (def.type === "boolean")
    return [
      [[`--${key}`], true],
      [[`--no-${key}`], def.default === true],
      [[`--${key}=true`], false],
      [[`--${key}=false`], false],
    ];
  const v = def.type === "number" ? "7" : key === "port" || key === "local-port" ? "9123" : "v a/l";
  const out: [string[], boolean][] = [
    [[`--${key}`, v], def.type === "string"],
    [[`--${key}=${v}`], def.type === "string"],
  ];
  if (def.dashValue) out.push([[`--${key}`, "-p gpu -t 1:00:00"], true]);
  return out;
}

const bins = [
  ["jlremote", jlremoteCommands],
  ["jllocal", jllocalCommands],
] as const;

for (const [bin, defs] of bins) {
  for (const { words, def } of flatten(defs)) {
    if (def.commands !== undefined) continue;
    const title = `${bin} ${words.join(" ")}`;
    test(`${title}: every option in every spelling, alone and next to another, parses like yargs`, async () => {
      const fast = fastOf(bin, words);
      const keys = Object.keys(def.options).filter((k) => !def.options[k]?.hidden);
      for (const key of keys) {
        const other = keys.find((k) => k !== key && def.options[k]?.type === "string");
        const otherArgs = other === undefined ? [] : [`--${other}`, "o1"];
        const host = words[0]?.includes("[host]") ? ["h1"] : [];
        for (const [spelling, fastTakes] of spellings(key, def.options[key] as OptionDef)) {
          for (const args of [
            [...host, ...spelling],
            [...spelling, ...otherArgs, ...host],
            [...otherArgs, ...spelling],
          ]) {
            const slow = await viaYargs(words, def, args, bin);
            const label = `${title} ${args.join(" ")}`;
            if (fast === undefined) {
              assert.ok(slow.parsed, `${label}: ${slow.error}`);
              continue;
            }
            const f = fast(args);
            if (fastTakes) assert.ok(f, `${label}: the fast path should take it`);
            if (f === null) continue;
            const parsed = slow.parsed;
            assert.ok(parsed, `${label}: the fast path took what yargs refuses (${slow.error})`);
            for (const [k, v] of Object.entries(f)) {
              if (k === "command" || k === "_") continue;
              const want: unknown = k === "--" ? (parsed[k] ?? []) : k === "json" ? Boolean(parsed[k]) : parsed[k];
              assert.deepEqual(v, want, `${label}: ${k}`);
            }
          }
        }
      }
    });
  }
}

test("start --no-wait --json=true and start --no-wait --json parse the same, on both parsers", async () => {
  const def = jlremoteCommands.find((c) => c.usage === "start") as CommandDef;
  const a = await viaYargs(["start"], def, ["--no-wait", "--json=true"], "jlremote");
  const b = await viaYargs(["start"], def, ["--no-wait", "--json"], "jlremote");
  assert.ok(a.parsed && b.parsed, `${a.error ?? ""} ${b.error ?? ""}`);
  assert.equal(a.parsed.wait, false);
  assert.equal(a.parsed.json, true);
  assert.deepEqual({ ...a.parsed, $0: "" }, { ...b.parsed, $0: "" });
  const f = parseCanonical(["--no-wait", "--json"], canonical.start[0]);
  assert.equal(f?.wait, false);
  assert.equal(f?.json, true);
});

test("the yargs specs carry the table's defaults, and the help names the settings' defaults", () => {
  const start = parserSpecs((jlremoteCommands.find((c) => c.usage === "start") as CommandDef).options);
  assert.equal(start.wait?.default, true);
  assert.equal(start["max-restarts"]?.default, undefined, "absent falls through to the settings layers");
  assert.match(start["max-restarts"]?.describe ?? "", /\(default: 5\)$/);
});
