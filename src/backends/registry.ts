// The registry: every backend by kind, every scheduler by name (one line each), and the choice of an instance's
// backend from its recorded settings (or the --scheduler of a new start). Commands reach backends only through here.
import { usageError } from "../core/errors.js";
import { expectedSchedulers, isSchedulerName, type SchedulerName } from "../core/scheduler-names.js";
import type { CommandContext } from "../context.js";
import { isServiceHere } from "../io/service-files.js";
import { inspectWith, type InstanceView } from "../instance/view.js";
import type { Backend, BackendContext, BackendKind } from "./backend.js";
import { detachedBackend } from "./detached/index.js";
import type { Scheduler } from "./scheduler.js";
import { sgeScheduler } from "./sge/index.js";
import { slurmScheduler } from "./slurm/index.js";
import { systemdBackend } from "./systemd/index.js";

/** Every scheduler, by name: a new scheduler is one line here (and its folder); nothing else names it. */
export const schedulers: { readonly [name: string]: Scheduler } = {
  slurm: slurmScheduler,
  sge: sgeScheduler,
};

const all: readonly Scheduler[] = Object.values(schedulers);

/** The registered scheduler names, in registry order: what `--scheduler`, a profile's `scheduler` and the help accept. */
export const schedulerNames: readonly SchedulerName[] = all.map((s) => s.name);

const backends: Readonly<Record<BackendKind, Backend>> = {
  detached: detachedBackend,
  systemd: systemdBackend,
  ...Object.fromEntries(all.map((s) => [s.name, s.backend])),
};

/** What the caller knows about an instance when choosing its backend. */
export interface BackendFacts {
  /** `--scheduler` as given: a scheduler's name, "none", or undefined (use what is recorded). */
  requested?: string;
  /** Installed as a systemd user service for this host. */
  serviceHere: boolean;
  /** The scheduler whose job the instance recorded (its job file exists), or null. */
  recorded: SchedulerName | null;
}

/** Pure: the backend kind for these facts; a bad --scheduler is a usage error. */
export function chooseKind(f: BackendFacts): BackendKind {
  if (f.requested !== undefined && f.requested !== "none" && !isSchedulerName(f.requested, schedulerNames)) {
    throw usageError(`--scheduler ${f.requested}: ${expectedSchedulers(schedulerNames)}`);
  }
  if (f.requested !== undefined && f.requested !== "none") return f.requested;
  if (f.serviceHere) return "systemd";
  if (f.requested === "none") return "detached";
  return f.recorded ?? "detached";
}

/** The backend of the named instance (`requested` only from start's --scheduler). */
export function backendFor(env: Record<string, string | undefined>, name: string, requested?: string): Backend {
  const recorded = all.find((s) => s.hasJob(env, name))?.name ?? null;
  // chooseKind returns only detached, systemd or a registered name: every one has its entry above.
  return backends[chooseKind({ requested, serviceHere: isServiceHere(env, name), recorded })] as Backend;
}

/** The scheduler of that name (an instance's recorded `options.scheduler`); an unknown name is a usage error. */
export function schedulerNamed(name: SchedulerName): Scheduler {
  const s = schedulers[name];
  if (s === undefined) throw usageError(`--scheduler ${name}: ${expectedSchedulers(schedulerNames)}`);
  return s;
}

/** This process's job id under any registered scheduler (a supervisor run as a job's main step), or null. */
export function jobIdHere(env: Record<string, string | undefined>): string | null {
  return schedulerHere(env)?.inJob.jobId(env) ?? null;
}

/** The scheduler whose job this process is in (by its environment), or null. */
export function schedulerHere(env: Record<string, string | undefined>): Scheduler | null {
  return all.find((s) => s.inJob.jobId(env) !== null) ?? null;
}

/** Look at the named instance through its backend: state file plus liveness checks, no network, no daemon. */
export function inspect(env: Record<string, string | undefined>, name: string, version: string): InstanceView {
  return inspectWith(backendFor(env, name), env, name, version);
}

/** A command's context with what backends ask the registry for. */
export function backendContext(ctx: CommandContext): BackendContext {
  return {
    ...ctx,
    schedulerNames,
    inspect: (name) => inspect(ctx.env, name, ctx.version),
    forgetEndedJobs: (name) => {
      for (const s of all) s.forgetEndedJob(ctx.env, name);
    },
  };
}

/** inspect(), then at most one question to the backend's authority when the files cannot answer (a queued job). */
export async function inspectSettled(ctx: CommandContext, name: string): Promise<InstanceView> {
  // One choice of backend (its job files and unit drop-in looked up once).
  const backend = backendFor(ctx.env, name);
  return backend.settle(inspectWith(backend, ctx.env, name, ctx.version), backendContext(ctx));
}
