// Files behind kernel adoption: the bundled Python dir and the extension's report (the keeper's Python: keeper-process.ts).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KEEPER_SCRIPT } from "./keeper-process.js";

/** dist/python in the bundle (the build copies python/ there), python/ when running from the sources. */
export function bundledPythonDir(): string | null {
  for (const rel of ["./python/", "../python/", "../../python/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, KEEPER_SCRIPT))) return dir;
  }
  return null;
}

/** The extension's report text, or null. */
export function readReport(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
