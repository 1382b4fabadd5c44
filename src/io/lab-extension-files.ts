// Where the prebuilt JupyterLab extension is: dist/labextension next to the bundle (the build puts it there).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder of federated extensions holding jlremote's (dist/labextension), or null when it was not built. */
export function bundledLabextensionsDir(): string | null {
  for (const rel of ["./labextension/", "../../dist/labextension/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, "jlremote-labextension", "package.json"))) return dir.replace(/\/$/, "");
  }
  return null;
}
