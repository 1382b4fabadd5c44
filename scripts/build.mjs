// Bundles the CLI into one ESM file with every runtime dependency inside, so it starts fast and installs offline.
import { build } from "esbuild";
import { chmodSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const banner = [
  "#!/usr/bin/env node",
  "import { createRequire as __jlCreateRequire } from 'node:module';",
  "const require = __jlCreateRequire(import.meta.url);",
].join("\n");

for (const [entry, out] of [["src/cli.ts", "dist/jlremote.mjs"], ["src/jllocal.ts", "dist/jllocal.mjs"]]) {
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: banner },
    define: { __JLREMOTE_VERSION__: JSON.stringify(pkg.version) },
    legalComments: "none",
    logLevel: "warning",
  });
  chmodSync(out, 0o755);
}
