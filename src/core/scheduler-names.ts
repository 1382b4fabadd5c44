// The batch schedulers an instance can run under are named only by src/backends/registry.ts (and each in its own
// folder): core cannot import backends, so what validates a `--scheduler` or a profile's `scheduler` takes the
// registered names as a parameter (`known`), passed in from a layer that can reach the registry.
import { usageError } from "./errors.js";

/** A registered scheduler's name (a key of `schedulers` in src/backends/registry.ts). */
export type SchedulerName = string;

/** How an instance runs: on this host (detached, or as a systemd user service) or as a scheduler's batch job. */
export type BackendKind = "detached" | "systemd" | SchedulerName;

/** Stands for the scheduler names in help text; `fillSchedulerNames` puts them in where the help is rendered. */
export const schedulerNamesSlot = "{schedulers}";

/** Help text with the registered scheduler names in place of `schedulerNamesSlot` ("a or b"). */
export function fillSchedulerNames(text: string, known: readonly string[]): string {
  return text.split(schedulerNamesSlot).join(known.join(" or "));
}

/** Is `x` one of the `known` scheduler names? */
export function isSchedulerName(x: unknown, known: readonly string[]): x is SchedulerName {
  return typeof x === "string" && known.includes(x);
}

/** "expected a, b or none": the one wording of a bad scheduler choice, naming the `known` schedulers. */
export function expectedSchedulers(known: readonly string[]): string {
  const all = [...known, "none"];
  return `expected ${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}`;
}

/** A `--scheduler` value: a known scheduler's name, `none`, or unset; anything else is a usage error. */
export function parseSchedulerChoice(raw: unknown, known: readonly string[]): SchedulerName | "none" | undefined {
  if (raw === undefined || raw === "none" || isSchedulerName(raw, known)) return raw;
  throw usageError(`--scheduler ${String(raw)}: ${expectedSchedulers(known)}`);
}
