// Files and processes behind kernel adoption: the bundled Python dir, the Python that runs Jupyter, the extension's
// report.
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { basename, delimiter, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/python in the bundle (the build copies python/ there), python/ when running from the sources. */
export function bundledPythonDir(): string | null {
  for (const rel of ["./python/", "../python/", "../../python/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, "jlremote_keeper.py"))) return dir;
  }
  return null;
}

/** The Python of a `jupyter` script (its #! line, also pip's long-path `exec` form), else `python3` from PATH. */
export function pythonOf(jupyter: string, env: Record<string, string | undefined>): string {
  const path = isAbsolute(jupyter)
    ? jupyter
    : (env.PATH ?? "")
        .split(delimiter)
        .map((d) => join(d, jupyter))
        .find((p) => existsSync(p));
  if (path) {
    // An env's interpreter given as --jupyter (`python -m jupyterlab`) is the keeper's python too.
    if (/^python[0-9.]*$/.test(basename(path))) return path;
    const head = readHead(path);
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
    const interp = shebang?.[1]?.endsWith("/env") ? shebang[2] : shebang?.[1];
    if (interp && /python[0-9.]*$/.test(interp)) return interp;
    const exec = /^'''exec' '?"?([^'"\s]+)/m.exec(head);
    if (exec?.[1]) return exec[1];
  }
  return "python3";
}

function readHead(path: string): string {
  try {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(512);
      return buf.subarray(0, readSync(fd, buf, 0, 512, 0)).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

/** The extension's report text, or null. */
export function readReport(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
