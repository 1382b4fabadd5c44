// Named profiles of the defaults file (`profiles.NAME`): shorthand for start options, the batch-job ones included.
import { usageError } from "./errors.js";
import { expectedSchedulers, isSchedulerName, type SchedulerName } from "./scheduler-names.js";
import { cliKeys, parseSettingsObject, type SettingKey, type Settings } from "./settings.js";

/** One profile: start options (as settings) and the batch-job options that are not settings. */
export interface Profile {
  settings: Settings;
  scheduler?: SchedulerName | "none";
  /** sbatch options as one shell-like string (`-p gpu -t 4:00:00 --gres=gpu:1`). */
  sbatch?: string;
  /** qsub options, the same way. */
  qsub?: string;
  timeWarning?: number;
  requeue?: boolean;
}

const jobKeys = ["scheduler", "sbatch", "qsub", "timeWarning", "requeue"] as const;

/** Validate `profiles.NAME` of `file` (`known`: the scheduler names); errors name the file, the key and the value. */
export function parseProfile(v: unknown, file: string, name: string, known: readonly string[]): Profile {
  const at = `profiles.${name}`;
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw usageError(`${file}: ${at}: ${JSON.stringify(v)}: expected an object of start options`);
  const plain: Record<string, unknown> = {};
  const p: Profile = { settings: {} };
  for (const [k, x] of Object.entries(v)) {
    const bad = (expected: string) => usageError(`${file}: ${at}.${k}: ${JSON.stringify(x)}: ${expected}`);
    if (k === "scheduler") {
      if (x !== "none" && !isSchedulerName(x, known)) throw bad(expectedSchedulers(known));
      p.scheduler = x;
    } else if (k === "sbatch" || k === "qsub") {
      // One string as on the command line, or a list of words (each kept whole, e.g. a --wrap with spaces).
      if (Array.isArray(x) && x.every((w) => typeof w === "string")) p[k] = (x as string[]).map(quoteWord).join(" ");
      else if (typeof x === "string") p[k] = x;
      else throw bad(`expected the ${k} options as one string ("-p gpu -t 4:00:00") or a list of words`);
    } else if (k === "timeWarning") {
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 65535)
        throw bad("expected whole seconds from 0 to 65535");
      p.timeWarning = x;
    } else if (k === "requeue") {
      if (typeof x !== "boolean") throw bad("expected true or false");
      p.requeue = x;
    } else if ((cliKeys as readonly string[]).includes(k)) {
      plain[k] = x;
    } else {
      throw usageError(
        `${file}: ${at}.${k}: unknown option; known: ${[...cliKeys, ...jobKeys].join(", ")} (env and prologue go in defaults or instances)`,
      );
    }
  }
  p.settings = parseSettingsObject(plain, file, at, cliKeys);
  return p;
}

/** The start flags a profile fills in: absent ones only, so the command line wins. */
export interface ProfileFlags extends Partial<Record<SettingKey, unknown>> {
  extraArgs?: string[];
  scheduler?: string;
  sbatch?: string;
  qsub?: string;
  timeWarning?: unknown;
  requeue?: boolean;
}

/** `flags` with the profile's options where the command line gave none. */
export function withProfile<F extends ProfileFlags>(flags: F, p: Profile): F {
  const out = { ...flags } as Record<string, unknown>;
  for (const [k, v] of Object.entries(p.settings)) {
    const given = out[k];
    if (given === undefined || (k === "extraArgs" && Array.isArray(given) && given.length === 0)) out[k] = v;
  }
  if (out.scheduler === undefined && p.scheduler !== undefined) out.scheduler = p.scheduler;
  if (out.sbatch === undefined && p.sbatch !== undefined) out.sbatch = p.sbatch;
  if (out.qsub === undefined && p.qsub !== undefined) out.qsub = p.qsub;
  if (out.timeWarning === undefined && p.timeWarning !== undefined) out.timeWarning = p.timeWarning;
  if (out.requeue !== true && p.requeue === true) out.requeue = true;
  return out as F;
}

/** One word in single quotes when it needs them (read back by the --sbatch word splitter). */
function quoteWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
