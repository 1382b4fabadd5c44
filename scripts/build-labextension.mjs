// Builds jlremote's JupyterLab extension (labextension/) into dist/labextension/jlremote-labextension: TypeScript to
// one ES module (esbuild, @jupyterlab/* and @lumino/* left to the host), then @jupyterlab/builder's
// build-labextension (webpack module federation) against JupyterLab 4's core metadata in labextension/core.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { build } from "esbuild";

/** Build the extension under `root` (the repository); throws when the builder fails. */
export async function buildLabextension(root) {
  const dir = resolve(root, "labextension");
  const out = resolve(root, "dist/labextension");
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: [resolve(dir, "src/index.ts")],
    outfile: resolve(dir, "lib/index.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    external: ["@jupyterlab/*", "@lumino/*"],
    legalComments: "none",
    logLevel: "warning",
  });
  const cli = createRequire(resolve(root, "package.json")).resolve("@jupyterlab/builder/lib/build-labextension.js");
  const r = spawnSync(process.execPath, [cli, "--core-path", resolve(dir, "core"), dir], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (r.status !== 0) throw new Error(`build-labextension failed (exit ${r.status ?? r.signal})`);
  if (!existsSync(resolve(out, "jlremote-labextension/package.json")))
    throw new Error("build-labextension wrote no dist/labextension/jlremote-labextension/package.json");
}
