// The remote defaults file (${XDG_CONFIG_HOME:-~/.config}/jlremote/config.json): defaults, per-name sections, profiles.
import { usageError } from "./errors.js";
import { parseProfile, type Profile } from "./profiles.js";
import { cliKeys, parseSettingsObject, type Settings } from "./settings.js";

/** The parsed file. */
export interface RemoteConfig {
  /** Settings for every instance. */
  defaults: Settings;
  /** Settings for one instance name, over the defaults. */
  instances: Record<string, Settings>;
  /** Named sets of start options, the batch-job ones included (`jlremote start --profile NAME`). */
  profiles: Record<string, Profile>;
}

/** An empty config (no file). */
export const emptyConfig: RemoteConfig = { defaults: {}, instances: {}, profiles: {} };

const topKeys = ["defaults", "instances", "profiles"];

/** Parse and validate the file's text (`known`: the scheduler names); every error names the file, key and bad value (exit 2). */
export function parseRemoteConfig(text: string, file: string, known: readonly string[]): RemoteConfig {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw usageError(`${file}: not valid JSON (${(err as Error).message}); fix or remove it`);
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj))
    throw usageError(`${file}: expected a JSON object with defaults, instances, profiles`);
  const o = obj as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!topKeys.includes(k)) throw usageError(`${file}: ${k}: unknown key; known: ${topKeys.join(", ")}`);
  const instances: Record<string, Settings> = {};
  const rawInstances = sectionMap(o.instances, file, "instances");
  for (const [name, v] of Object.entries(rawInstances)) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name))
      throw usageError(`${file}: instances.${name}: not a valid instance name`);
    instances[name] = parseSettingsObject(v, file, `instances.${name}`);
  }
  const profiles: Record<string, Profile> = {};
  for (const [name, v] of Object.entries(sectionMap(o.profiles, file, "profiles")))
    profiles[name] = parseProfile(v, file, name, known);
  return {
    defaults: o.defaults === undefined ? {} : parseSettingsObject(o.defaults, file, "defaults"),
    instances,
    profiles,
  };
}

function sectionMap(v: unknown, file: string, key: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw usageError(`${file}: ${key}: ${JSON.stringify(v)}: expected an object of named sections`);
  return v as Record<string, unknown>;
}

/** The remembered settings file (settings.json in the instance dir): only command-line keys, schema 1. */
export function parseRememberedSettings(text: string, file: string): Settings {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw usageError(`${file} is damaged (not valid JSON); \`jlremote start --reset\` forgets the remembered options`);
  }
  const o = obj as { schema?: unknown; settings?: unknown } | null;
  if (o === null || typeof o !== "object" || o.schema !== 1)
    throw usageError(`${file}: not a jlremote settings file (schema 1); \`jlremote start --reset\` forgets it`);
  return parseSettingsObject(o.settings, file, "settings", cliKeys);
}

/** The text of settings.json for these settings. */
export function renderRememberedSettings(values: Settings, at: string): string {
  return `${JSON.stringify({ schema: 1, savedAt: at, settings: values }, null, 2)}\n`;
}
