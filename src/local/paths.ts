// Where jllocal keeps its files: ${XDG_STATE_HOME:-~/.local/state}/jlremote/local/ and its config file.
import { join } from "node:path";
import { sha256Hex } from "../core/sha256.js";
import { stateRoot, xdgDir } from "../io/paths.js";

/** Longest control socket path we use: sun_path is 104 bytes on macOS, and ssh adds ".XXXXXXXXXXXXXXXX" while binding. */
export const MAX_CONTROL_PATH = 104 - 18;

/** The files of jllocal for one environment. */
export interface LocalPaths {
  /** <state>/jlremote/local (0700). */
  root: string;
  /** One JSON record per tunnel (0600). */
  tunnelsDir: string;
  /** 0700 directory of the control sockets. */
  controlDir: string;
}

/** jllocal's directories; the control dir moves to /tmp/jllocal-UID when the state path is too long for a socket. */
export function localPaths(env: Record<string, string | undefined>, uid: number): LocalPaths {
  const root = join(stateRoot(env), "local");
  const controlDir = join(root, "cm");
  // Every host key is 12 characters long.
  const fits = join(controlDir, "x".repeat(12)).length <= MAX_CONTROL_PATH;
  return { root, tunnelsDir: join(root, "tunnels"), controlDir: fits ? controlDir : `/tmp/jllocal-${uid}` };
}

const keys = new Map<string, string>();

/** A short, file-name-safe key for an ssh destination (hashed once per run: the SHA-256 is plain JavaScript). */
export function hostKey(host: string): string {
  let key = keys.get(host);
  if (key === undefined) {
    key = sha256Hex(host).slice(0, 12);
    keys.set(host, key);
  }
  return key;
}

/** The control socket of our master connection to `host`. */
export function controlPathFor(p: LocalPaths, host: string): string {
  return join(p.controlDir, hostKey(host));
}

/** The record of the tunnel to instance `name` on `host`. */
export function tunnelFileFor(p: LocalPaths, host: string, name: string): string {
  return join(p.tunnelsDir, `${hostKey(host)}-${name}.json`);
}

/** The redirect page given to the browser for that tunnel. */
export function openFileFor(p: LocalPaths, host: string, name: string): string {
  return join(p.root, `open-${hostKey(host)}-${name}.html`);
}

/** The lock that serializes jllocal runs for one host (they share its master connection). */
export function hostLockFor(p: LocalPaths, host: string): string {
  return join(p.tunnelsDir, hostKey(host));
}

/** ${XDG_CONFIG_HOME:-~/.config}/jlremote/local.json */
export function configFile(env: Record<string, string | undefined>): string {
  return join(xdgDir(env, "XDG_CONFIG_HOME", ".config"), "jlremote", "local.json");
}
