// Writes docs/commands/jlremote.md and docs/commands/jllocal.md from the option table (`npm run docs`); a unit test
// (test/unit/scripts/gen-docs.test.ts) fails when the committed pages differ from what this renders.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jllocalCommands } from "../src/core/jllocal-options.js";
import { jlremoteCommands } from "../src/core/jlremote-options.js";
import type { CommandDef, OptionDef } from "../src/core/option-table.js";
import { fillSchedulerNames } from "../src/core/scheduler-names.js";
import { schedulerNames } from "../src/backends/registry.js";

const intro = {
  jlremote: [
    "`jlremote` runs on the remote machine: it starts Jupyter under a supervisor and answers for it.",
    "",
    "The options of an explicit `start` (and `service install`) are remembered for the instance. An instance option",
    "left out is taken from the remembered ones, then from `config.json`, then from the default in the Default column",
    "(`jlremote config` shows which applies and where it comes from).",
  ],
  jllocal: [
    "`jllocal` runs on the laptop: one ssh login to HOST, the remote Jupyter started if needed, a local tunnel, the",
    "browser.",
  ],
} as const;

/** The page of one program, as markdown. */
export function renderCommandDocs(bin: "jlremote" | "jllocal"): string {
  const defs = flatten(bin === "jlremote" ? jlremoteCommands : jllocalCommands, bin);
  const lines = [
    `# ${bin} commands`,
    "",
    `<!-- Generated from the option table (src/core/${bin}-options.ts) by \`npm run docs\`; edit the table, not this page. -->`,
    "",
    ...intro[bin],
    "",
    "| Command | What it does |",
    "| --- | --- |",
    ...defs.map(({ title, def }) => `| [\`${title}\`](#${anchor(title)}) | ${cell(def.describe)} |`),
  ];
  for (const { title, def } of defs) {
    lines.push("", `## ${title}`, "", `${def.describe[0]?.toUpperCase()}${def.describe.slice(1)}.`, "");
    lines.push("```", usage(title, def), "```");
    const keys = Object.keys(def.options).filter((k) => def.options[k]?.hidden !== true);
    if (keys.length > 0) {
      lines.push("", "| Option | Type | Default | Description |", "| --- | --- | --- | --- |");
      for (const key of keys) lines.push(optionRow(key, def.options[key] as OptionDef));
    }
    if (def.extraArgs !== undefined) lines.push("", `Words after \`--\` are ${def.extraArgs}.`);
  }
  return `${lines.join("\n")}\n`;
}

/** Commands with their full titles (`jlremote service install`), leaves only; `$0` is the program itself. */
function flatten(defs: readonly CommandDef[], parent = ""): { title: string; def: CommandDef }[] {
  return defs.flatMap((def) => {
    const words = def.usage.replace(/^\$0 ?/, "").replace(/ ?\[host\]$/, "");
    const title = [parent, words].filter((w) => w !== "").join(" ");
    return def.commands === undefined ? [{ title, def }] : flatten(def.commands, title);
  });
}

function usage(title: string, def: CommandDef): string {
  const host = def.usage.endsWith("[host]") ? " [HOST]" : "";
  const opts = Object.keys(def.options).length > 0 ? " [OPTIONS]" : "";
  return `${title}${host}${opts}${def.extraArgs !== undefined ? " [-- JUPYTER_ARGS…]" : ""}`;
}

function optionRow(key: string, def: OptionDef): string {
  const value = def.type === "boolean" ? "" : ` ${def.value ?? (def.type === "number" ? "N" : "VALUE")}`;
  const names = [`\`--${key}${value}\``];
  if (def.type === "boolean" && def.default === true) names.push(`\`--no-${key}\``);
  if (def.alias !== undefined) names.push(`\`-${def.alias}${value}\``);
  // A default value in code style, a default described in words as text.
  const shown = def.default ?? def.shownDefault;
  const dflt =
    shown === undefined ? "" : typeof shown === "string" && shown.includes(" ") ? shown : `\`${String(shown)}\``;
  return `| ${names.join(", ")} | ${def.type} | ${dflt} | ${cell(fillSchedulerNames(def.describe, schedulerNames))} |`;
}

/** GitHub's heading anchor. */
function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const bin of ["jlremote", "jllocal"] as const)
    writeFileSync(new URL(`../docs/commands/${bin}.md`, import.meta.url), renderCommandDocs(bin));
}
