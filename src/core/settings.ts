// Instance settings as layers (default < config file < remembered < command line), one validator for every layer.
import { usageError } from "./errors.js";
import type { JupyterApp } from "./types.js";

/** One layer's settings; absent keys fall through to the layer below. */
export interface Settings {
  jupyter?: string;
  app?: JupyterApp | "auto";
  port?: number;
  rootDir?: string;
  sock?: boolean;
  extraArgs?: string[];
  maxRestarts?: number;
  timeout?: number;
  stopTimeout?: number;
  healthInterval?: number;
  healthRetries?: number;
  /** MB at which supervisor.log and jupyter.log are rotated. */
  logMaxSize?: number;
  /** Rotated files kept of each log. */
  logKeep?: number;
  /** Minutes without activity after which Jupyter culls idle kernels and shuts down (0: never). */
  idleTimeout?: number;
  /** Variables added to Jupyter's environment; `$VAR`/`${VAR}` and a leading `~` are expanded. */
  env?: Record<string, string>;
  /** Shell snippet run by sh before Jupyter (then exec'd), e.g. `module load x && conda activate lab`. */
  prologue?: string;
}

/** Every setting key, in display order. */
export type SettingKey = keyof Settings;
export const settingKeys: readonly SettingKey[] = [
  "jupyter",
  "app",
  "port",
  "rootDir",
  "sock",
  "extraArgs",
  "maxRestarts",
  "timeout",
  "stopTimeout",
  "healthInterval",
  "healthRetries",
  "logMaxSize",
  "logKeep",
  "idleTimeout",
  "env",
  "prologue",
];

/** Keys that start takes on its command line (and so can remember); env and prologue live in the config file only. */
export const cliKeys: readonly SettingKey[] = settingKeys.filter((k) => k !== "env" && k !== "prologue");

/** The command-line flag of a key (rootDir → --root-dir). */
function flagOf(key: SettingKey): string {
  return key === "extraArgs" ? "-- EXTRA_ARGS" : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Built-in defaults (port and rootDir have dynamic ones: the next free port, the current directory). */
export const defaultSettings: Settings = {
  jupyter: "jupyter",
  app: "auto",
  sock: false,
  extraArgs: [],
  maxRestarts: 5,
  timeout: 60,
  stopTimeout: 10,
  healthInterval: 30,
  healthRetries: 8,
  logMaxSize: 10,
  logKeep: 3,
  env: {},
};

/** Seconds before a batch job's time limit at which it is warned (USR1), unless --time-warning says otherwise. */
export const defaultTimeWarningSec = 600;

type Checked = { ok: true; value: unknown } | { ok: false; expected: string };
const fail = (expected: string): Checked => ({ ok: false, expected });

/** Longest duration option: one day. */
const maxDurationSec = 86_400;

function number(v: unknown, integer: boolean, max: number): Checked {
  const text = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  const n = Number(text);
  if (text === "" || !Number.isFinite(n) || n < 0 || n > max || (integer && !Number.isInteger(n)))
    return fail(`expected a ${integer ? "whole number" : "number"} from 0 to ${max}`);
  return { ok: true, value: n };
}

/** Check and normalize one value (CLI strings and JSON values alike). */
function checkSetting(key: SettingKey, v: unknown): Checked {
  switch (key) {
    case "port": {
      const text = typeof v === "number" || typeof v === "string" ? String(v) : "";
      const n = Number(text);
      return /^\d+$/.test(text) && n >= 1 && n <= 65535
        ? { ok: true, value: n }
        : fail("expected a port number from 1 to 65535");
    }
    case "app":
      return v === "auto" || v === "lab" || v === "notebook" || v === "server"
        ? { ok: true, value: v }
        : fail("expected auto, lab, notebook or server");
    case "jupyter":
    case "rootDir":
      return typeof v === "string" && v.trim() !== "" ? { ok: true, value: v } : fail("expected a non-empty path");
    case "prologue":
      return typeof v === "string" ? { ok: true, value: v } : fail("expected a shell snippet (a string)");
    case "sock":
      return typeof v === "boolean" ? { ok: true, value: v } : fail("expected true or false");
    case "extraArgs":
      return Array.isArray(v) && v.every((a) => typeof a === "string")
        ? { ok: true, value: [...v] }
        : fail("expected an array of strings");
    case "env": {
      if (v === null || typeof v !== "object" || Array.isArray(v))
        return fail('expected an object of strings, e.g. {"PATH": "~/env/bin:$PATH"}');
      for (const [k, x] of Object.entries(v)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof x !== "string")
          return fail(`expected NAME: "string" entries (bad entry ${JSON.stringify(k)})`);
        if (k === "JUPYTER_TOKEN") return fail("JUPYTER_TOKEN is jlremote's to set");
      }
      return { ok: true, value: { ...(v as Record<string, string>) } };
    }
    case "maxRestarts":
    case "healthRetries":
      return number(v, true, 1_000_000);
    case "logKeep":
      return number(v, true, 100);
    case "logMaxSize": {
      const c = number(v, false, 1_000_000);
      return c.ok && (c.value as number) < 0.004 ? fail("expected at least 0.004 (MB)") : c;
    }
    case "timeout":
    case "stopTimeout":
      return number(v, false, maxDurationSec);
    case "idleTimeout":
      // Minutes, up to a year; 0 turns it off.
      return number(v, false, 525_600);
    case "healthInterval": {
      // Down to 1 ms, so the watch loop can be run fast (memory checks over 100,000 iterations).
      const c = number(v, false, maxDurationSec);
      return c.ok && (c.value as number) < 0.001 ? fail("expected at least 0.001 seconds") : c;
    }
  }
}

/** Validate an object of settings from a file: unknown keys and bad values name the file, the key and the value. */
export function parseSettingsObject(
  obj: unknown,
  file: string,
  at: string,
  allowed: readonly SettingKey[] = settingKeys,
): Settings {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj))
    throw usageError(`${file}: ${at || "top level"}: expected an object`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = `${at ? `${at}.` : ""}${k}`;
    if (!(allowed as readonly string[]).includes(k))
      throw usageError(`${file}: ${key}: unknown setting; known: ${allowed.join(", ")}`);
    const c = checkSetting(k as SettingKey, v);
    if (!c.ok) throw usageError(`${file}: ${key}: ${JSON.stringify(v)}: ${c.expected}`);
    out[k] = c.value;
  }
  return out as Settings;
}

/** Validate command-line values (absent ones stay absent); errors read `--port abc: expected …`. */
export function parseCliSettings(raw: Partial<Record<SettingKey, unknown>>): Settings {
  const out: Record<string, unknown> = {};
  for (const key of cliKeys) {
    const v = raw[key];
    if (v === undefined || (key === "extraArgs" && Array.isArray(v) && v.length === 0)) continue;
    const c = checkSetting(key, v);
    if (!c.ok) throw usageError(`${flagOf(key)} ${String(v)}: ${c.expected}`);
    out[key] = c.value;
  }
  return out as Settings;
}

/** Where a setting's value came from. */
export interface SettingOrigin {
  source: "default" | "config file" | "remembered" | "command line";
  where: string | null;
}

/** One layer of settings and its origin. */
export interface SettingsLayer extends SettingOrigin {
  values: Settings;
}

/** Stack the layers (later wins; env merges per variable) and say where each effective value came from. */
export function layerSettings(layers: readonly SettingsLayer[]): {
  values: Settings;
  from: Partial<Record<SettingKey, SettingOrigin>>;
} {
  const values: Record<string, unknown> = {};
  const from: Partial<Record<SettingKey, SettingOrigin>> = {};
  for (const layer of layers) {
    for (const key of settingKeys) {
      const v = layer.values[key];
      if (v === undefined) continue;
      if (key === "env" && Object.keys(v as object).length === 0 && values.env !== undefined) continue;
      values[key] = key === "env" ? { ...(values.env as object | undefined), ...(v as object) } : v;
      from[key] = { source: layer.source, where: layer.where };
    }
    // Socket and TCP port exclude each other: a layer that picks one drops the other from the layers below.
    if (layer.values.sock === true && layer.values.port === undefined) {
      delete values.port;
      delete from.port;
    }
    if (layer.values.port !== undefined && layer.values.sock === undefined && values.sock === true) {
      values.sock = false;
      from.sock = { source: layer.source, where: layer.where };
    }
  }
  return { values: values as Settings, from };
}

/** Expand `$VAR`, `${VAR}` (from `base`) and a `~` at the start or after a `:` (the home) in an env value. */
function expandEnvValue(value: string, base: Record<string, string | undefined>, home: string): string {
  const vars = value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a?: string, b?: string) => base[(a ?? b) as string] ?? "",
  );
  return vars.replace(/(^|:)~(?=\/|:|$)/g, (_, pre: string) => `${pre}${home}`);
}

/** The environment additions expanded against `base`, in order (a later one may use an earlier one). */
export function expandEnv(
  add: Record<string, string>,
  base: Record<string, string | undefined>,
  home: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(add)) out[k] = expandEnvValue(v, { ...base, ...out }, home);
  return out;
}

/** What an explicit start remembers: its command-line settings over the remembered ones (socket and port exclusive). */
export function mergeRemembered(remembered: Settings, cli: Settings): Settings {
  const layer = (values: Settings) => ({ source: "remembered" as const, where: null, values });
  return layerSettings([layer(remembered), layer(cli)]).values;
}

/** A leading `~` of a path setting (jupyter, rootDir) is the home directory. */
export function expandTilde(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? `${home}${path.slice(1)}` : path;
}
