// Decisions of the V8 code cache of the bundle's embedded trees (src/io/code-cache.ts): which file holds a cache, whether one may be
// loaded, and whether it was made for this very bundle.
import { portable } from "./portable-name.js";

/** What a cache file is made for: one bundle build, one script in it, one node and its V8 flags. */
export interface CacheKey {
  /** The build's hash of the tree's packed code (scripts/build.mjs). */
  build: string;
  /** The bundle's main code ("main") or an embedded tree: "cli-commands", "jllocal-commands", "connect-fresh". */
  script: string;
  nodeVersion: string;
  arch: string;
  /** node's own flags (process.execArgv): V8 rejects a cache made under other V8 flags. */
  execArgv: readonly string[];
}

/**
 * Set on globalThis (as true) when this process must save no cache at exit (a warm supervisor that was never used: it
 * compiled its tree but ran none of it). A symbol, not a variable of the environment every child would inherit.
 */
export const NO_CACHE_SAVE = Symbol.for("jlremote.code-cache.no-save");

/**
 * On globalThis: the savers of the caches still unsaved, one per copy of io/code-cache.ts (the boot's, for the main
 * code, and the main code's, for the trees), so they can be written before the exit (io/young-generation.ts); given a
 * script name, a saver writes that script's cache only.
 */
export const CACHE_SAVERS = Symbol.for("jlremote.code-cache.savers");

/** The main code's cache for `status` and `url` (every jllocal connect, every script's poll): a file of its own. */
export const FAST_MAIN = "main.fast";

/**
 * Which cache the bundle's main code compiles with for a command line (`argv`: the arguments after the script). V8's
 * cache holds the functions compiled when it was made: one made by another command first (an `install`, a `start`)
 * lacks status's, and status then compiled them on every run (~1.3 ms of its ~4 over `node -e 0`); one that grew with
 * every command would cost status its deserialisation. So status and url keep their own, made by one of them.
 */
export function mainCacheName(argv: readonly string[]): string {
  return argv[0] === "status" || argv[0] === "url" ? FAST_MAIN : "main";
}

/** The identity of the bundle file a cache was made from: a bundle edited or copied in place gets a new cache. */
export interface BundleIdentity {
  size: number;
  mtimeMs: number;
}

/** A short, stable hash of a string (FNV-1a, 32 bits, hex): keeps flag sets apart in file names. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The cache's file name (no directory): only the key's safe characters, so it is one path component. */
export function cacheFileName(key: CacheKey): string {
  // One pass over the parts (the boot compiles every function it calls at each run).
  return `${portable(`${key.script}-${key.build}-${key.nodeVersion}-${key.arch}`)}-${shortHash(key.execArgv.join("\0"))}.v8cache`;
}

/** The first line of a cache file: what it was made from (the rest is V8's data). */
export function cacheHeader(key: CacheKey, bundle: BundleIdentity): string {
  return `jlremote-v8cache 1 ${cacheFileName(key)} ${bundle.size} ${Math.trunc(bundle.mtimeMs)}\n`;
}

/**
 * Does `data` (a cache file's bytes) start with `header` (cacheHeader's line, ASCII)? Compared by code, on a plain
 * Uint8Array: the Buffer methods a compare would take are each compiled at their first call, on status's way.
 */
export function startsWithHeader(data: Uint8Array, header: string): boolean {
  if (data.length < header.length) return false;
  for (let i = 0; i < header.length; i += 1) if (data[i] !== header.charCodeAt(i)) return false;
  return true;
}

/** The owner and mode of an opened cache file, and who we are. */
export interface CacheFileStat {
  isFile: boolean;
  uid: number;
  mode: number;
  size: number;
  euid: number;
}

/** Largest cache file read (V8's data for the whole bundle is well under 4 MB). */
export const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * May this file's content become code we run? Only a regular file that we or root own and no one else can write:
 * V8 runs the bytecode in a cache unchecked, so a cache another user could write is their code in our process.
 */
export function trustedCacheFile(st: CacheFileStat): boolean {
  return st.isFile && (st.uid === st.euid || st.uid === 0) && (st.mode & 0o022) === 0 && st.size <= MAX_CACHE_BYTES;
}
