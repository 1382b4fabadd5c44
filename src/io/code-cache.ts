// The V8 code cache of the bundle's main code and embedded command trees (scripts/build.mjs, io/bundle-sections.ts):
// each is compiled with the cached data of an earlier run (start, stop, the supervisor and jllocal's commands compile
// ~600 KB less; every command its main code), and one is saved at exit when there was none. Never required: any
// failure compiles plainly.
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { Script } from "node:vm";
import {
  type BundleIdentity,
  CACHE_SAVERS,
  type CacheKey,
  cacheFileName,
  cacheHeader,
  MAX_CACHE_BYTES,
  NO_CACHE_SAVE,
  startsWithHeader,
  trustedCacheFile,
} from "../core/code-cache.js";

/** Where a bundle's caches live and what they must match. */
interface CodeCacheContext {
  build: string;
  bundle: BundleIdentity;
  /** Directories tried in order: beside the bundle, then the user's cache dir. */
  dirs: readonly string[];
}

/** The directories for a bundle at `bundleDir`: beside it, then $XDG_CACHE_HOME/jlremote (default ~/.cache). */
function cacheDirs(bundleDir: string, env: Record<string, string | undefined>): string[] {
  const xdg = env.XDG_CACHE_HOME;
  const user = xdg?.startsWith("/") ? xdg : env.HOME?.startsWith("/") ? `${env.HOME}/.cache` : null;
  return user === null ? [bundleDir] : [bundleDir, `${user}/jlremote`];
}

/** Scripts compiled without a usable cache this run: written at exit, or earlier by saveCodeCachesNow. */
const unsaved: { script: Script; key: CacheKey }[] = [];
/** This copy's saver is on the exit event and in CACHE_SAVERS (once, though `unsaved` may empty before the exit). */
let saverRegistered = false;

/** A trusted cache's V8 data for `key`, or undefined (absent, foreign, for another bundle, unreadable). */
function readCache(ctx: CodeCacheContext, key: CacheKey): Uint8Array | undefined {
  const name = cacheFileName(key);
  const header = cacheHeader(key, ctx.bundle);
  for (const dir of ctx.dirs) {
    let fd: number;
    try {
      // No symlinks, and a FIFO planted under the name must not block us.
      fd = openSync(`${dir}/${name}`, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      continue;
    }
    try {
      const st = fstatSync(fd);
      const euid = process.geteuid?.() ?? -1;
      if (!trustedCacheFile({ isFile: st.isFile(), uid: st.uid, mode: st.mode, size: st.size, euid })) continue;
      const data = new Uint8Array(st.size);
      let off = 0;
      while (off < data.length) {
        const n = readSync(fd, data, off, data.length - off, off);
        if (n === 0) break;
        off += n;
      }
      if (off === data.length && startsWithHeader(data, header)) return data.subarray(header.length);
    } catch {
      // Unreadable: as if absent.
    } finally {
      closeSync(fd);
    }
  }
  return undefined;
}

/** Write one cache atomically (a private temp file renamed over the name) in the first directory that takes it. */
function writeCache(ctx: CodeCacheContext, key: CacheKey, data: Buffer): void {
  const name = cacheFileName(key);
  const header = Buffer.from(cacheHeader(key, ctx.bundle));
  for (const dir of ctx.dirs) {
    const tmp = `${dir}/.${name}.${process.pid}.tmp`;
    try {
      if (dir !== ctx.dirs[0]) mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(tmp, Buffer.concat([header, data]), { flag: "wx", mode: 0o644 });
      renameSync(tmp, `${dir}/${name}`);
      return;
    } catch {
      // Not writable (a shared install, a read-only home): try the next directory; never an error.
    }
  }
}

/** Write the caches still owed (only `only`'s when given), and forget them. */
function saveAll(ctx: CodeCacheContext, only?: string): void {
  // Told not to (core/code-cache.ts, NO_CACHE_SAVE): an unused warm supervisor's tree compiled but none of it ran (its
  // cache would hold none of the functions every later supervisor runs).
  if (process.env.JLREMOTE_CODE_CACHE === "0" || (globalThis as Record<symbol, unknown>)[NO_CACHE_SAVE] === true)
    return;
  const due = unsaved.filter((u) => only === undefined || u.key.script === only);
  unsaved.splice(0, unsaved.length, ...unsaved.filter((u) => !due.includes(u)));
  for (const { script, key } of due) {
    try {
      const data = script.createCachedData();
      if (data.length > 0 && data.length <= MAX_CACHE_BYTES) writeCache(ctx, key, data);
    } catch {
      // Best effort only.
    }
  }
}

/**
 * Write now every cache this process still owes (each copy of this module's), then none later: a V8 flag set after
 * this (io/young-generation.ts) changes V8's flag hash, and a cache made under it would be rejected by the next run.
 */
export function saveCodeCachesNow(): void {
  const g = globalThis as Record<symbol, unknown>;
  for (const save of ((g[CACHE_SAVERS] as Saver[] | undefined) ?? []).splice(0)) save();
  g[NO_CACHE_SAVE] = true;
}

/**
 * Write now the cache of the script `name` if this process owes it (the others stay owed): a status that goes on to
 * start the instance (src/cli.ts) saves its main code's cache before start's and the supervisor's code runs in it.
 */
export function saveCodeCacheNow(name: string): void {
  for (const save of ((globalThis as Record<symbol, unknown>)[CACHE_SAVERS] as Saver[] | undefined) ?? []) save(name);
}

/** A copy of this module's saver of the caches it owes (given a script name: only that one's). */
type Saver = (only?: string) => void;

/** The key of `script` in this process (this node, its flags). */
function keyOf(ctx: CodeCacheContext, script: string): CacheKey {
  return { build: ctx.build, script, nodeVersion: process.version, arch: process.arch, execArgv: process.execArgv };
}

/**
 * Compile an embedded tree's `source` (a function expression; `build`: the hash of its packed text) and return its
 * value, with the cache of an earlier run when a trusted one for this bundle file exists; otherwise compile plainly
 * and save a cache when the process exits. `bundle`: the bundle file (its dir holds the cache when writable).
 */
export function compileTree(name: string, build: string, source: string, filename: string, bundle: string): unknown {
  let ctx: CodeCacheContext | null = null;
  if (process.env.JLREMOTE_CODE_CACHE !== "0") {
    try {
      const st = statSync(bundle);
      ctx = { build, bundle: { size: st.size, mtimeMs: st.mtimeMs }, dirs: cacheDirs(dirname(bundle), process.env) };
    } catch {
      ctx = null;
    }
  }
  return compileCached(ctx, name, source, filename);
}

function compileCached(ctx: CodeCacheContext | null, name: string, source: string, filename: string): unknown {
  if (ctx === null) return new Script(source, { filename }).runInThisContext();
  const key = keyOf(ctx, name);
  const cachedData = readCache(ctx, key);
  const script = new Script(source, { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    if (!saverRegistered) {
      saverRegistered = true;
      process.once("exit", () => saveAll(ctx));
      const g = globalThis as Record<symbol, unknown>;
      ((g[CACHE_SAVERS] ??= []) as Saver[]).push((only) => saveAll(ctx, only));
    }
    unsaved.push({ script, key });
  }
  return script.runInThisContext();
}
