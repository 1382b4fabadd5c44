// POSIX ustar headers for the deploy stream (regular files and directories; no dependency on the laptop's tar).

/** One tar block. */
export const BLOCK = 512;

/** A member of the stream. */
export interface TarEntry {
  /** Path inside the archive (relative, `/`-separated; at most 100 bytes, or 255 with a prefix). */
  name: string;
  kind: "file" | "dir";
  mode: number;
  size: number;
  mtimeSec: number;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return [name, ""];
  for (let i = name.lastIndexOf("/"); i > 0; i = name.lastIndexOf("/", i - 1)) {
    const [prefix, rest] = [name.slice(0, i), name.slice(i + 1)];
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return [rest, prefix];
  }
  throw new Error(`tar: name too long: ${name}`);
}

/** The 512-byte header of `e`. */
export function tarHeader(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const [name, prefix] = splitName(e.kind === "dir" && !e.name.endsWith("/") ? `${e.name}/` : e.name);
  h.write(name, 0, 100);
  h.write(octal(e.mode & 0o7777, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(e.kind === "dir" ? 0 : e.size, 12), 124);
  h.write(octal(Math.floor(e.mtimeSec), 12), 136);
  h.write("        ", 148);
  h.write(e.kind === "dir" ? "5" : "0", 156);
  h.write("ustar\u000000", 257);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148);
  h[155] = 0x20;
  return h;
}

/** Zero bytes that pad a member of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of an archive: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}
