// Reads jllocal's optional config file (defaultHost, remoteCmd, sshConfig, remoteNode).
import { readFileSync } from "node:fs";
import { usageError } from "../core/errors.js";
import { configFile } from "./paths.js";

/** The settings local.json may hold. */
export interface LocalConfig {
  defaultHost: string | null;
  remoteCmd: string | null;
  sshConfig: string | null;
  /** The node on the remote for the jlremote jllocal installs (--remote-node). */
  remoteNode: string | null;
}

/** Read local.json; absent means all null; a damaged file is a usage error naming the file. */
export function readLocalConfig(env: Record<string, string | undefined>): LocalConfig {
  const file = configFile(env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { defaultHost: null, remoteCmd: null, sshConfig: null, remoteNode: null };
  }
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
    if (o === null || typeof o !== "object" || Array.isArray(o)) throw new Error("not an object");
  } catch {
    throw usageError(`${file} is not valid JSON; expected e.g. {"defaultHost": "myserver"}`);
  }
  const str = (k: string): string | null => {
    const v = o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string" || v === "") throw usageError(`${file}: "${k}" must be a non-empty string`);
    return v;
  };
  return {
    defaultHost: str("defaultHost"),
    remoteCmd: str("remoteCmd"),
    sshConfig: str("sshConfig"),
    remoteNode: str("remoteNode"),
  };
}
