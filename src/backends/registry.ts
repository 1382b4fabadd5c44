// The registry: every backend by kind, every scheduler by name (one line each), and the choice of an instance's
// backend from its recorded settings (or the --scheduler of a new start). Commands reach backends only through here.
import { usageError } from "../core/errors.js";
import { expectedSchedulers, isSchedulerName, type SchedulerName } from "../core/scheduler-names.js";
import type { CommandContext } from "../context.js";
import { pathExists } from "../io/path-exists.js";
import { isServiceHere } from "../io/service-files.js";
import { inspectWith, type InstanceView } from "../instance/view.js";
import type { Backend, BackendContext, BackendKind } from "./backend.js";
import type { BatchJobRecord, JobFile } from "./batch-job/job-file.js";
import { detachedBackend } from "./detached/index.js";
import type { Scheduler } from "./scheduler.js";
import { sgeJobs } from "./sge/job-file.js";
import { sgeScheduler } from "./sge/index.js";
import { slurmJobs } from "./slurm/job-file.js";
import { slurmScheduler } from "./slurm/index.js";
import { systemdBackend } from "./systemd/index.js";

/** A registered scheduler: its job file (an instance that recorded one of its jobs has one) and the scheduler. */
interface Registered {
  readonly jobs: JobFile<BatchJobRecord>;
  /** Asked for only when an instance is one of its jobs or a command names it (see `registered`). */
  readonly scheduler: () => Scheduler;
}

/**
 * Every scheduler, by name: a new scheduler is one line here (and its folder); nothing else names it. The bundle
 * initialises a scheduler's modules when it is first asked for (scripts/build.mjs: `registryOnDemand` reads these lines,
 * `onDemand` serves what they import): the status of an instance that is no job never does (~0.12 ms of it, figure 1a).
 */
const registered: { readonly [name: string]: Registered } = {
  slurm: { jobs: slurmJobs, scheduler: () => slurmScheduler },
  sge: { jobs: sgeJobs, scheduler: () => sgeScheduler },
};

const entries = Object.entries(registered);

/** The registered scheduler names, in registry order: what `--scheduler`, a profile's `scheduler` and the help accept. */
export const schedulerNames: readonly SchedulerName[] = entries.map(([name]) => name);

/** Every scheduler (each one's modules initialised). */
function allSchedulers(): Scheduler[] {
  return entries.map(([, r]) => r.scheduler());
}

/** The backend of a kind. */
function backendOf(kind: BackendKind): Backend {
  if (kind === "detached") return detachedBackend;
  if (kind === "systemd") return systemdBackend;
  return schedulerNamed(kind).backend;
}

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
  // The first scheduler whose job file the instance has (files only: no scheduler's module is initialised for this).
  const recorded = entries.find(([, r]) => pathExists(r.jobs.path(env, name)))?.[0] ?? null;
  // chooseKind returns only detached, systemd or a registered name.
  return backendOf(chooseKind({ requested, serviceHere: isServiceHere(env, name), recorded }));
}

/** The scheduler of that name (an instance's recorded `options.scheduler`); an unknown name is a usage error. */
export function schedulerNamed(name: SchedulerName): Scheduler {
  const r = Object.hasOwn(registered, name) ? registered[name] : undefined;
  if (r === undefined) throw usageError(`--scheduler ${name}: ${expectedSchedulers(schedulerNames)}`);
  return r.scheduler();
}

/** This process's job id under any registered scheduler (a supervisor run as a job's main step), or null. */
export function jobIdHere(env: Record<string, string | undefined>): string | null {
  return schedulerHere(env)?.inJob.jobId(env) ?? null;
}

/** The scheduler whose job this process is in (by its environment), or null. */
export function schedulerHere(env: Record<string, string | undefined>): Scheduler | null {
  return allSchedulers().find((s) => s.inJob.jobId(env) !== null) ?? null;
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
      for (const [, r] of entries) r.jobs.forgetEnded(ctx.env, name);
    },
  };
}

/** inspect(), then at most one question to the backend's authority when the files cannot answer (a queued job). */
export async function inspectSettled(ctx: CommandContext, name: string): Promise<InstanceView> {
  // One choice of backend (its job files and unit drop-in looked up once).
  const backend = backendFor(ctx.env, name);
  return backend.settle(inspectWith(backend, ctx.env, name, ctx.version), backendContext(ctx));
}
