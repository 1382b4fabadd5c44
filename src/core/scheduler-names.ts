// The batch schedulers an instance can run under, by name: what `--scheduler` and a profile's `scheduler` accept.
// Each name has one folder under src/backends/ and one entry in src/backends/registry.ts (the compiler asks for it).
import { usageError } from "./errors.js";

/** The scheduler names, in the order the usage error lists them. */
export const schedulerNames = ["slurm"] as const;

/** A scheduler's name. */
export type SchedulerName = (typeof schedulerNames)[number];

/** How an instance runs: on this host (detached, or as a systemd user service) or as a scheduler's batch job. */
export type BackendKind = "detached" | "systemd" | SchedulerName;

/** Is `x` a scheduler's name? */
export function isSchedulerName(x: unknown): x is SchedulerName {
  return (schedulerNames as readonly unknown[]).includes(x);
}

/** "expected slurm or none" (or "expected slurm, sge or none"): the one wording of a bad scheduler choice. */
export function expectedSchedulers(): string {
  const all = [...schedulerNames, "none"];
  return `expected ${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}`;
}

/** A `--scheduler` value: a scheduler's name, `none`, or unset; anything else is a usage error. */
export function parseSchedulerChoice(raw: unknown): SchedulerName | "none" | undefined {
  if (raw === undefined || raw === "none" || isSchedulerName(raw)) return raw;
  throw usageError(`--scheduler ${String(raw)}: ${expectedSchedulers()}`);
}
