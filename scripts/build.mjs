// Bundles each CLI into one ESM file with every runtime dependency inside, so it starts fast and installs offline.
// jlremote's yargs command tree (src/cli-commands.ts and all it loads) is embedded as source text and compiled on
// first use (brotli-packed): `jlremote status --json` then reads ~135 KB and parses ~20 KB of code instead of ~600 KB
// (see README, Benchmark).
import { build } from "esbuild";
import { chmodSync, cpSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync } from "node:zlib";

// Paths are the repository's, whatever the working directory.
const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const banner = [
  "#!/usr/bin/env node",
  "import { createRequire as __jlCreateRequire } from 'node:module';",
  "const require = __jlCreateRequire(import.meta.url);",
].join("\n");
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  define: { __JLREMOTE_VERSION__: JSON.stringify(pkg.version) },
  legalComments: "none",
  logLevel: "warning",
};

/** Shares src/core/errors.ts with the host bundle, so cli.ts's `instanceof JlremoteError` holds for embedded errors. */
let errorsShared = 0;
const errorsFromHost = {
  name: "errors-from-host",
  setup(b) {
    const errorsTs = resolve(root, "src/core/errors.ts");
    b.onResolve({ filter: /errors\.js$/ }, (a) => {
      if (resolve(a.resolveDir, a.path.replace(/\.js$/, ".ts")) !== errorsTs) return undefined;
      errorsShared += 1;
      return { path: "jlremote:errors", external: true };
    });
  },
};

// The command tree as a CommonJS function body; import.meta.url (used by yargs) is passed in by the loader below,
// and import() becomes require() (a vm script has no dynamic-import loader).
const commands = await build({
  ...common,
  entryPoints: ["src/cli-commands.ts"],
  format: "cjs",
  write: false,
  minifyWhitespace: true,
  minifySyntax: true,
  define: { ...common.define, "import.meta.url": "__jlImportMetaUrl" },
  supported: { "dynamic-import": false },
  logOverride: { "empty-import-meta": "silent" },
  plugins: [errorsFromHost],
});
// Brotli + base64: a short string literal is what keeps the status path fast (the file is read and scanned whole).
// Without the shared errors module every usage error would turn into "unexpected error" (instanceof fails).
if (errorsShared === 0) throw new Error("build: src/core/errors.ts was not shared with the embedded command tree");
const commandsPacked = brotliCompressSync(commands.outputFiles[0].contents).toString("base64");

/** Resolves src/cli.ts's `import("./cli-commands.js")` to a loader of the embedded source. */
const embedCommands = {
  name: "embed-cli-commands",
  setup(b) {
    b.onResolve({ filter: /^\.\/cli-commands\.js$/ }, () => ({ path: "cli-commands", namespace: "embedded" }));
    b.onLoad({ filter: /.*/, namespace: "embedded" }, () => ({
      loader: "js",
      resolveDir: resolve(root, "src"),
      contents: `
import * as errors from "./core/errors.js";
const packed = ${JSON.stringify(commandsPacked)};
let loaded;
function load() {
  const source = require("node:zlib").brotliDecompressSync(Buffer.from(packed, "base64")).toString("utf8");
  const module = { exports: {} };
  const fn = require("node:vm").runInThisContext(
    "(function (exports, require, module, __jlImportMetaUrl) {" + source + "\\n})",
    { filename: import.meta.url + "#commands" });
  fn(module.exports, (id) => (id === "jlremote:errors" ? errors : require(id)), module, import.meta.url);
  return module.exports;
}
export function runCommandLine(argv, ctx) {
  loaded ??= load();
  return loaded.runCommandLine(argv, ctx);
}
`,
    }));
  },
};

for (const [entry, out, plugins] of [["src/cli.ts", "dist/jlremote.mjs", [embedCommands]], ["src/jllocal.ts", "dist/jllocal.mjs", []]]) {
  await build({ ...common, entryPoints: [entry], outfile: out, format: "esm", banner: { js: banner }, plugins });
  chmodSync(resolve(root, out), 0o755);
}

// The keeper and the jupyter_server extension (python/) travel next to the bundle, which finds them as ./python/.
rmSync(resolve(root, "dist/python"), { recursive: true, force: true });
cpSync(resolve(root, "python"), resolve(root, "dist/python"), { recursive: true, filter: (src) => !src.includes("__pycache__") });
