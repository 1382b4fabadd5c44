// `jlremote list`: every instance under the state root with its state.
import { readdirSync } from "node:fs";
import { ExitCode } from "../core/errors.js";
import { stateRoot } from "../io/paths.js";
import type { CommandContext } from "../context.js";
import { inspectSettled } from "../backends/registry.js";
import { renderListRow } from "./render.js";

/** Print all instances (a JSON array on one line with --json). */
export async function listCommand(flags: { json: boolean }, ctx: CommandContext): Promise<ExitCode> {
  let names: string[] = [];
  try {
    names = readdirSync(stateRoot(ctx.env), { withFileTypes: true })
      .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && d.name !== "local")
      .map((d) => d.name)
      .sort();
  } catch {
    names = [];
  }
  const reports = [];
  for (const n of names.filter((x) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(x))) {
    try {
      reports.push((await inspectSettled(ctx, n)).report);
    } catch (err) {
      // An untrusted instance dir or state file is skipped with its reason, never read.
      ctx.err(`jlremote: ${(err as Error).message}`);
    }
  }
  if (flags.json) ctx.out(JSON.stringify(reports));
  else if (reports.length === 0) ctx.err("no instances; `jlremote start` starts one");
  else for (const r of reports) ctx.out(renderListRow(r));
  return ExitCode.ok;
}
