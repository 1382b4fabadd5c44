// Reads the remote defaults file and an instance's remembered settings (settings.json, 0600, written atomically).
import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync } from "node:fs";
import { usageError } from "../core/errors.js";
import { readPrivateFile } from "./private-file.js";
import type { Profile } from "../core/profiles.js";
import {
  emptyConfig,
  parseRememberedSettings,
  parseRemoteConfig,
  renderRememberedSettings,
  type RemoteConfig,
} from "../core/remote-config.js";
import type { Settings } from "../core/settings.js";
import { writeFileAtomic } from "./atomic-file.js";
import { joinPath } from "../core/path-join.js";
import { xdgDir } from "./paths.js";

type Env = Record<string, string | undefined>;

/** ${XDG_CONFIG_HOME:-~/.config}/jlremote/config.json */
export function remoteConfigFile(env: Env): string {
  return joinPath(xdgDir(env, "XDG_CONFIG_HOME", ".config"), "jlremote", "config.json");
}

/** The instance's remembered settings file. */
function settingsFileOf(instanceDir: string): string {
  return joinPath(instanceDir, "settings.json");
}

/**
 * The config file's text, checked on the descriptor it is read from (a symlink swapped between a check and the read
 * changes nothing): a regular file, yours or root's, not writable by group or others; null when there is none.
 */
function readConfigText(file: string): string | null {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted under the name does not hang the command (it is refused below).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    // Its prologue and env run as you: a file others can change is refused (a symlink into a dotfiles repo is fine).
    const st = fstatSync(fd);
    if (!st.isFile())
      throw usageError(`${file} is not a regular file; refusing to use it: replace it with a JSON file`);
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid && st.uid !== 0)
      throw usageError(
        `${file} belongs to uid ${st.uid}, not to you; refusing to use it (its prologue would run as you): remove it or fix its owner`,
      );
    if ((st.mode & 0o022) !== 0)
      throw usageError(
        `${file} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); refusing to use it (its prologue would run as you): chmod go-w ${file}`,
      );
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * The config file, validated against the `known` scheduler names (an empty config when there is none); throws a usage
 * error naming file, key and value.
 */
export function readRemoteConfig(
  env: Env,
  known: readonly string[],
): { file: string; exists: boolean; config: RemoteConfig } {
  const file = remoteConfigFile(env);
  const text = readConfigText(file);
  return { file, exists: text !== null, config: text === null ? emptyConfig : parseRemoteConfig(text, file, known) };
}

/** The remembered settings (empty when none), validated like command-line options. */
export function readRemembered(instanceDir: string): Settings {
  const file = settingsFileOf(instanceDir);
  const read = readPrivateFile(file);
  if (read.kind === "untrusted") throw usageError(read.message);
  return read.kind === "absent" ? {} : parseRememberedSettings(read.text, file);
}

/** The remembered settings for status: never throws (null when absent or invalid). */
export function peekRemembered(instanceDir: string): Settings | null {
  try {
    const file = settingsFileOf(instanceDir);
    const read = readPrivateFile(file);
    return read.kind === "ok" ? parseRememberedSettings(read.text, file) : null;
  } catch {
    return null;
  }
}

/** Remember settings (mode 0600, atomic) in the 0700 instance dir. */
export function writeRemembered(instanceDir: string, values: Settings): void {
  writeFileAtomic(settingsFileOf(instanceDir), renderRememberedSettings(values, new Date().toISOString()), 0o600);
}

/** Forget the remembered settings. */
export function forgetRemembered(instanceDir: string): void {
  try {
    unlinkSync(settingsFileOf(instanceDir));
  } catch {
    /* none */
  }
}

/** The named profile of the config file; a usage error naming the known ones when there is none. */
export function readProfile(env: Env, name: string, schedulers: readonly string[]): Profile {
  const { file, exists, config } = readRemoteConfig(env, schedulers);
  const p = config.profiles[name];
  if (p !== undefined) return p;
  const known = Object.keys(config.profiles);
  throw usageError(
    `--profile ${name}: ${exists ? `no such profile in ${file}` : `${file} does not exist`}; ${known.length > 0 ? `known: ${known.join(", ")}` : `define it under "profiles"`}`,
  );
}
