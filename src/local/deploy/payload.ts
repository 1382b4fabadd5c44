// The deploy stream: the jlremote bundle and python/ (under bundle/), a pushed runtime's tarball, then the
// `complete` member; written into ssh's stdin with backpressure, reporting bytes sent.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Writable } from "node:stream";
import { BUNDLE_PREFIX, COMPLETE_MEMBER, RUNTIME_MEMBER } from "../../core/deploy-script.js";
import { BLOCK, tarEnd, tarHeader, tarPadding, type TarEntry } from "../../core/tar-header.js";

/** The directories next to jlremote.cjs that travel with it. */
const BUNDLE_DIRS = ["python", "labextension"];

/** One member and the local file it comes from (null: a directory or an inline text). */
export interface PayloadItem {
  entry: TarEntry;
  source: string | null;
  text?: string;
}

function walk(dir: string, root: string, out: PayloadItem[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === "__pycache__") continue;
    const p = join(dir, name);
    const st = statSync(p);
    const rel = `${BUNDLE_PREFIX}${relative(root, p)}`;
    const base = { name: rel, mode: st.mode, mtimeSec: st.mtimeMs / 1000 };
    if (st.isDirectory()) {
      out.push({ entry: { ...base, kind: "dir", size: 0 }, source: null });
      walk(p, root, out);
    } else if (st.isFile()) {
      out.push({ entry: { ...base, kind: "file", size: st.size }, source: p });
    }
  }
}

/** The members for the bundle in `distDir` (jlremote.cjs, python/), an optional runtime tarball, and the end mark. */
export function payloadItems(distDir: string, runtimeTgz: string | null, version: string): PayloadItem[] {
  const now = Date.now() / 1000;
  const items: PayloadItem[] = [
    { entry: { name: BUNDLE_PREFIX, kind: "dir", mode: 0o755, size: 0, mtimeSec: now }, source: null },
  ];
  const cjs = join(distDir, "jlremote.cjs");
  const st = statSync(cjs);
  items.push({
    entry: {
      name: `${BUNDLE_PREFIX}jlremote.cjs`,
      kind: "file",
      mode: 0o755,
      size: st.size,
      mtimeSec: st.mtimeMs / 1000,
    },
    source: cjs,
  });
  // The bundle finds these next to itself: python/ (keeper, server extension), labextension/ (when built).
  for (const dir of BUNDLE_DIRS) {
    if (!existsSync(join(distDir, dir))) continue;
    items.push({
      entry: { name: `${BUNDLE_PREFIX}${dir}`, kind: "dir", mode: 0o755, size: 0, mtimeSec: now },
      source: null,
    });
    walk(join(distDir, dir), distDir, items);
  }
  if (runtimeTgz !== null) {
    const size = statSync(runtimeTgz).size;
    items.push({ entry: { name: RUNTIME_MEMBER, kind: "file", mode: 0o644, size, mtimeSec: now }, source: runtimeTgz });
  }
  const text = `${version}\n`;
  items.push({
    entry: { name: COMPLETE_MEMBER, kind: "file", mode: 0o644, size: Buffer.byteLength(text), mtimeSec: now },
    source: null,
    text,
  });
  return items;
}

/** Total bytes the stream of `items` has. */
export function payloadSize(items: readonly PayloadItem[]): number {
  let n = 2 * BLOCK;
  for (const i of items) n += BLOCK + (i.entry.kind === "file" ? i.entry.size + tarPadding(i.entry.size).length : 0);
  return n;
}

function write(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) resolve();
    else {
      const onDrain = () => {
        out.off("error", onError);
        resolve();
      };
      const onError = (e: Error) => {
        out.off("drain", onDrain);
        reject(e);
      };
      out.once("drain", onDrain).once("error", onError);
    }
  });
}

/** Write the archive of `items` to `out` (then end it); `sent` gets the running byte count. */
export async function writePayload(
  items: readonly PayloadItem[],
  out: Writable,
  sent: (n: number) => void,
): Promise<void> {
  let n = 0;
  const put = async (b: Buffer) => {
    await write(out, b);
    n += b.length;
    sent(n);
  };
  for (const i of items) {
    await put(tarHeader(i.entry));
    if (i.entry.kind !== "file") continue;
    if (i.text !== undefined) await put(Buffer.from(i.text));
    else if (i.source !== null)
      for await (const chunk of createReadStream(i.source, { highWaterMark: 256 * 1024 })) await put(chunk as Buffer);
    await put(tarPadding(i.entry.size));
  }
  await put(tarEnd());
  out.end();
}
