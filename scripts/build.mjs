// Bundles each CLI into one CommonJS file with every runtime dependency inside, so it starts fast and installs offline
// (a .cjs entry costs what `node -e 0` costs; an .mjs one ~10% more: Node's ES module loader). Each bin's yargs
// command tree (src/cli-commands.ts, src/jllocal-commands.ts and all they load) is embedded as source text and
// compiled on first use (brotli-packed): `jlremote status --json` and `jllocal HOST` then parse ~20–40 KB of code
// instead of ~600 KB (see README, Benchmark). The file is a small boot (src/io/bundle-sections.ts) followed by the main
// code and the packed trees in comments: node parses only the boot, which compiles the main code with a code cache.
import { createHash } from "node:crypto";
import { build, transform } from "esbuild";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Script } from "node:vm";
import { fileURLToPath } from "node:url";
import { brotliCompressSync } from "node:zlib";
import { buildLabextension } from "./build-labextension.mjs";

// Paths are the repository's, whatever the working directory.
const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  define: { __JLREMOTE_VERSION__: JSON.stringify(pkg.version) },
  legalComments: "none",
  logLevel: "warning",
  // proper-lockfile's fs is node's own: graceful-fs patches node:fs's close functions for the whole process when it
  // loads, and its EMFILE retry queue is of no use to a lock that makes a handful of fs calls. Each bundle file is
  // ~7.6 KB smaller; jllocal's cold path to the master's fork: 136 → 134 ms (median of 13 pairs, within noise).
  alias: { "graceful-fs": "node:fs" },
};

/** Shares src/core/errors.ts with the host bundle, so the entry's `instanceof JlremoteError` holds for embedded errors. */
function errorsFromHost(counter) {
  return {
    name: "errors-from-host",
    setup(b) {
      const errorsTs = resolve(root, "src/core/errors.ts");
      b.onResolve({ filter: /errors\.js$/ }, (a) => {
        if (resolve(a.resolveDir, a.path.replace(/\.js$/, ".ts")) !== errorsTs) return undefined;
        counter.shared += 1;
        return { path: "jlremote:errors", external: true };
      });
    },
  };
}

/**
 * pino without its transports (worker threads): jlremote logs synchronously to files only. Their modules would cost the
 * supervisor's start ~7 ms (node:worker_threads and node:module, compiled from source under its V8 flags).
 */
const pinoWithoutTransports = {
  name: "pino-without-transports",
  setup(b) {
    const inPino = (a) => /[\\/]node_modules[\\/]pino[\\/]/.test(a.importer);
    b.onResolve({ filter: /^(\.\/(lib\/)?transport|worker_threads)$/ }, (a) =>
      inPino(a) ? { path: a.path, namespace: "pino-stub" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "pino-stub" }, (a) => ({
      loader: "js",
      contents:
        a.path === "worker_threads"
          ? "module.exports = { isMainThread: true };"
          : 'module.exports = function transport() { throw new Error("pino transports are not bundled"); };',
    }));
  },
};

/**
 * signal-exit (proper-lockfile's) and sonic-boom (pino's destination) without node:assert, which each loads for one
 * argument check: assert and its error modules cost ~3 ms of the way to Jupyter's spawn (the supervisor's log, the
 * lock of a start, a foreground run and a batch job's supervisor).
 */
const assertForChecks = {
  name: "assert-for-checks",
  setup(b) {
    b.onResolve({ filter: /^assert$/ }, (a) =>
      /[\\/]node_modules[\\/](signal-exit|sonic-boom)[\\/]/.test(a.importer)
        ? { path: "assert", namespace: "assert-for-checks" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "assert-for-checks" }, () => ({
      loader: "js",
      contents: [
        "function ok(value, message) { if (!value) throw new Error(message); }",
        "ok.ok = ok;",
        "ok.equal = (a, b, message) => ok(a == b, message);",
        "module.exports = ok;",
      ].join("\n"),
    }));
  },
};

/**
 * A command tree as a brotli-packed CommonJS function body; import.meta.url (used by yargs) is passed in by the loader
 * below, and import() becomes require() (a vm script has no dynamic-import loader).
 */
async function packTree(entry) {
  const counter = { shared: 0 };
  const out = await build({
    ...common,
    ...(typeof entry === "string" ? { entryPoints: [entry] } : { stdin: { ...entry, resolveDir: root, loader: "ts" } }),
    write: false,
    minify: true,
    define: { ...common.define, "import.meta.url": "__jlImportMetaUrl" },
    supported: { "dynamic-import": false },
    logOverride: { "empty-import-meta": "silent" },
    plugins: [errorsFromHost(counter), pinoWithoutTransports, assertForChecks],
  });
  // Without the shared errors module every usage error would turn into "unexpected error" (instanceof fails).
  if (counter.shared === 0) throw new Error(`build: src/core/errors.ts was not shared with an embedded tree`);
  // Brotli + base64: a short string literal is what keeps the fast paths fast (the file is read and scanned whole).
  return brotliCompressSync(out.outputFiles[0].contents).toString("base64");
}

/**
 * The source of a module that compiles a packed tree on first use (`load()`) and forwards `names` (functions) to it;
 * with `prefetch`, also `prefetchTree()`, which unpacks it ahead.
 */
function treeLoader(name, packed, names, prefetch = false) {
  const prefetchTree = `
// Unpack the tree on libuv's thread pool (the caller goes on meanwhile); load() then uses that text.
export function prefetchTree() {
  unpacking ??= new Promise((resolve) =>
    // One pass on the pool (in 16 KB chunks, each would wait for the busy main thread).
    require("node:zlib").brotliDecompress(Buffer.from(packed(), "base64"), { chunkSize: 4 << 20 }, (err, out) => {
      if (!err && loaded === undefined) unpacked = out.toString("utf8");
      resolve();
    }),
  );
  return unpacking;
}`;
  return `
import * as errors from "./core/errors.js";
import { compileTree } from "./io/code-cache.js";
// In a section of the bundle file, a comment that node's parse skips (src/io/bundle-sections.ts): no string literal
// of ~200 KB is scanned and copied at every start.
const packed = () => __jlSection(${JSON.stringify(name)});
let loaded;
let unpacked;
let unpacking;
function load() {
  const source = unpacked ?? require("node:zlib").brotliDecompressSync(Buffer.from(packed(), "base64")).toString("utf8");
  unpacked = undefined;
  const url = require("node:url").pathToFileURL(__filename).href;
  const module = { exports: {} };
  const wrapped = "(function (exports, require, module, __jlImportMetaUrl) {" + source + "\\n})";
  // With the V8 code cache of an earlier run when there is a trusted one (src/io/code-cache.ts).
  const fn = compileTree("${name}", ${JSON.stringify(createHash("sha256").update(packed).digest("hex").slice(0, 16))}, wrapped, url + "#${name}", __filename);
  fn(module.exports, (id) => (id === "jlremote:errors" ? errors : require(id)), module, url);
  return module.exports;
}
export function tree() {
  return (loaded ??= load());
}${prefetch ? prefetchTree : ""}
${names.map((n) => `export function ${n}(...args) {\n  loaded ??= load();\n  return loaded.${n}(...args);\n}`).join("\n")}
`;
}

/** Resolves `import("./<name>.js")` to a loader of the packed tree that forwards `names` (functions) to it. */
function embed(name, packed, names, prefetch, sections) {
  sections.set(name, packed);
  return {
    name: `embed-${name}`,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^\\./${name}\\.js$`) }, () => ({ path: name, namespace: "embedded" }));
      b.onLoad({ filter: new RegExp(`^${name}$`), namespace: "embedded" }, () => ({
        loader: "js",
        resolveDir: resolve(root, "src"),
        contents: treeLoader(name, packed, names, prefetch),
      }));
    },
  };
}

/** The source file a relative `import("./x.js")` names, or null for a package or a builtin. */
function sourceOf(a) {
  return a.path.startsWith(".") ? resolve(a.resolveDir, a.path.replace(/\.js$/, ".ts")) : null;
}

/**
 * The modules the entry's fast paths import lazily (`import()`: backends' start/stop, probes), except `keep`: served
 * by the bin's first command tree (below), so `status` neither runs nor parses them (a lazy module left in the bundle
 * is parsed).
 */
async function lazyModules(entry, keep, trees) {
  const found = new Set();
  await build({
    ...common,
    entryPoints: [entry],
    write: false,
    plugins: [
      {
        name: "find-lazy",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (a) => {
            const file = a.kind === "dynamic-import" ? sourceOf(a) : null;
            if (file === null || keep.some((k) => file.endsWith(k))) return undefined;
            if (!trees.some((t) => file === resolve(root, t))) found.add(file);
            return { path: a.path, external: true };
          });
        },
      },
    ],
  });
  return [...found].sort();
}

/** The name under which a command tree hands out the lazy module `file` (one of `files`). */
const lazyKey = (files, file) => `m${files.indexOf(file)}`;

/**
 * A command tree's entry (CommonJS) that also hands out each of `files`: `mN()` initialises that module when first
 * imported, and the commands' own modules (yargs and all) are initialised at the first call of `names`, not when the
 * tree loads for a lazy module (an unsupervised instance's status, the cleanup of a stop). The tree holds every module
 * its commands reach anyway: a tree of their own repeated ~40 KB of them in the file that every command reads (about
 * 0.2 ms of `status`, figure 1a).
 */
function treeServingLazy(source, names, files) {
  const entry = JSON.stringify(resolve(root, source));
  return {
    contents: [
      "let commands;",
      `const tree = () => (commands ??= require(${entry}));`,
      ...names.map((n) => `exports.${n} = (...args) => tree().${n}(...args);`),
      ...files.map((f) => `exports.${lazyKey(files, f)} = () => require(${JSON.stringify(f)});`),
    ].join("\n"),
  };
}

/** Resolves the host's `import()` of each of `files` to its module as the command tree `name` hands it out. */
function embedLazy(name, files) {
  return {
    name: `lazy-from-${name}`,
    setup(b) {
      b.onResolve({ filter: /.*/ }, (a) => {
        const file = a.kind === "dynamic-import" ? sourceOf(a) : null;
        return file !== null && files.includes(file) ? { path: lazyKey(files, file), namespace: "lazy" } : undefined;
      });
      b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace: "embedded" }));
      b.onLoad({ filter: /.*/, namespace: "lazy" }, (a) => ({
        loader: "js",
        resolveDir: resolve(root, "src"),
        contents: `module.exports = require(${JSON.stringify(name)}).tree().${a.path}();`,
      }));
    },
  };
}

/**
 * The names a module exports at run time (types left out), as esbuild reads them: every form of `export` but
 * `export * from`, whose names esbuild cannot list without bundling (the build fails on one rather than miss them).
 */
async function exportNames(file) {
  if (/^export \*/m.test(readFileSync(file, "utf8")))
    throw new Error(`build: ${file} re-exports with \`export *\`; name what it serves on demand`);
  const out = await build({
    entryPoints: [file],
    bundle: false,
    write: false,
    metafile: true,
    format: "esm",
    outdir: resolve(root, "dist"),
    logLevel: "silent",
  });
  return Object.values(out.metafile.outputs).flatMap((o) => o.exports);
}

/**
 * Resolves the host's static imports of each of `files` (served by the command tree `name` too) to a module whose
 * exports are getters: the module and all it imports are initialised, from the tree, when one of its exports is first
 * read. The registry's schedulers (backends/registry.ts): the status of an instance that is no job reads none.
 */
function onDemand(name, files, served) {
  return {
    name: `on-demand-from-${name}`,
    setup(b) {
      b.onResolve({ filter: /.*/ }, (a) => {
        const file = a.kind === "import-statement" ? sourceOf(a) : null;
        return file !== null && files.includes(file) ? { path: file, namespace: "on-demand" } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: "on-demand" }, async (a) => {
        const names = await exportNames(a.path);
        if (names.length === 0) throw new Error(`build: ${a.path} exports nothing to serve on demand`);
        return {
          loader: "js",
          resolveDir: resolve(root, "src"),
          contents: [
            "let loaded;",
            `const load = () => (loaded ??= require(${JSON.stringify(name)}).tree().${lazyKey(served, a.path)}());`,
            ...names.map(
              (n) =>
                `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load().${n} });`,
            ),
          ].join("\n"),
        };
      });
    },
  };
}

/**
 * node's built-in modules through `process.getBuiltinModule` (node >= 20.16; package.json asks >= 20.19) instead of
 * `require`, whose module loader costs each command's boot and main code ~0.07 ms more (figure 1a); `require` still
 * where a node too old has none, so such a node gets as far as before.
 */
function directBuiltins(code) {
  const out = code.replace(/\brequire\("(node:[a-z_/]+)"\)/g, (_, id) => {
    const name = JSON.stringify(id);
    return `(process.getBuiltinModule?.(${name}) ?? require(${name}))`;
  });
  if (out === code) throw new Error("build: no require of a node: built-in to rewrite (has esbuild's output changed?)");
  return out;
}

/**
 * The functions the boot calls at every run. Each is written as a parenthesised function expression, which V8 compiles
 * with the boot's own parse; a plain declaration is only pre-parsed then, and parsed again at its first call (the boot
 * has no code cache): ~0.1 ms of every command (docs/benchmark.md, figure 1a). The cold ones (a cache to save, a
 * damaged bundle) stay lazy. The list is a file of its own, which test/e2e/code-cache.test.ts reads too.
 */
const eagerBootFunctions = JSON.parse(readFileSync(new URL("./eager-boot-functions.json", import.meta.url), "utf8"));

/**
 * `code` (esbuild's output, whitespace not minified: a top-level function declaration opens with `function NAME(` at
 * the start of a line and closes with a line `}`) with each of `names` turned into `var NAME = (function NAME(…) {…});`.
 */
function eagerFunctions(code, names) {
  let out = code;
  for (const name of names) {
    const open = `\nfunction ${name}(`;
    const at = out.indexOf(open);
    if (at < 0 || out.indexOf(open, at + 1) >= 0) throw new Error(`build: the boot has no single function ${name}`);
    const end = out.indexOf("\n}\n", at);
    if (end < 0) throw new Error(`build: the end of the boot's function ${name} is not a line "}"`);
    out = `${out.slice(0, at)}\nvar ${name} = (function ${name}(${out.slice(at + open.length, end)}\n});\n${out.slice(end + 3)}`;
  }
  new Script(out, { filename: "boot" }); // a syntax error here is the transform's, not the source's
  return out;
}

/** The boot code at the top of each bundle file (src/boot.ts): the only code node itself parses. */
async function boot() {
  const out = await build({
    ...common,
    entryPoints: ["src/boot.ts"],
    write: false,
    // Names and lines kept for eagerFunctions; minified after it.
    minifySyntax: true,
    // The boot runs in a function of its own, whose first statement is esbuild's "use strict"; it takes the sections'
    // text from the arrow function bundleFile writes after it (src/boot.ts, `__jlSections`).
    banner: { js: "#!/usr/bin/env node\n(function () {" },
    footer: { js: "})();" },
  });
  const eager = eagerFunctions(out.outputFiles[0].text, eagerBootFunctions);
  const min = await transform(eager, { minify: true, target: "node20", format: "cjs", legalComments: "none" });
  if ((min.code.match(/=\(function\(/g) ?? []).length < eagerBootFunctions.length)
    throw new Error("build: the minifier dropped the parentheses that make the boot's functions eager");
  return directBuiltins(min.code);
}

/**
 * The bundle file: the boot code, then the main code and each packed tree as sections of line comments (node's parse
 * of the file skips them; the boot compiles the main code with a V8 code cache, and takes each line's `//` off a tree's
 * text when it is loaded). A line comment holds any text but a newline, and a copy cut short anywhere in the sections
 * still parses.
 */
function bundleFile(mainCode, sections, bootCode) {
  // One line, the module function's text included: the boot compiles a slice of node's own string of the file, with
  // no line's `//` to take off and nothing to join (no copy of the main code on status's way).
  const code = mainCode.trimEnd();
  if (code.includes("\n") || code.includes("\r"))
    throw new Error("build: the main code has a line break (has esbuild's output changed?)");
  const main = `(function (exports, require, module, __filename, __dirname, __jlSection) {${code};})`;
  const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 16);
  const part = (name, body) => `\n//@jl:section ${name} ${hash(body)}\n//${body.replaceAll("\n", "\n//")}\n//@jl:end`;
  // The sections are the body of an arrow function (`0`, its comment lines, `+0`), whose text V8 gives the boot as a
  // slice of node's own string of the file, where the module function's text (`arguments.callee`, until 6 Dec 2026)
  // was a copy of the whole file made at its first search (~49 page faults of status's ~230 over `node -e 0`). Cut
  // short in the sections, the file still parses: the arrow is `() => 0` and the rest comments.
  const sectionsText = `${part("main", main)}${[...sections].map(([n, b]) => part(n, b)).join("")}`;
  return `${bootCode}\nvar __jlSections = () => 0${sectionsText}\n+0;\n`;
}

/**
 * The modules whose exports the registry (src/backends/registry.ts) reaches only through the `scheduler: () => name`
 * thunks of its lines: each scheduler's index.ts, served on demand (onDemand), so its registry line stays the one place outside its
 * folder that names a scheduler.
 */
function registryOnDemand() {
  const text = readFileSync(resolve(root, "src/backends/registry.ts"), "utf8");
  const names = [...text.matchAll(/\{ jobs: \w+, scheduler: \(\) => (\w+) \}/g)].map((m) => m[1]);
  if (names.length === 0) throw new Error("build: the registry has no `{ jobs: …, scheduler: () => name }` line");
  return names.map((n) => {
    const from = new RegExp(`^import \\{ ${n} \\} from "(\\./[\\w/-]+)\\.js";$`, "m").exec(text);
    if (from === null) throw new Error(`build: the registry does not import ${n} on a line of its own`);
    return `src/backends/${from[1].slice(2)}.ts`;
  });
}

// Per bin: its entry, its file, and the trees packed into it: [file name imported, its source, functions used, whether
// it can be unpacked ahead].
// A bin with `fast` lists the modules its fast paths import lazily that stay in the bundle; its first tree hands out
// the others (treeServingLazy).
const bins = [
  [
    "src/cli.ts",
    "dist/jlremote.cjs",
    // The warm supervisor unpacks this one ahead (prefetchTree).
    [["cli-commands", "src/cli-commands.ts", ["runCommandLine", "preloadRun"], true]],
    [
      "src/commands/status.ts",
      "src/commands/stop.ts",
      "src/backends/detached/supervisor-end.ts",
      "src/io/exit-socket.ts",
      // Spawned by start before its command tree loads, and the warm supervisor's own wait and early keeper.
      "src/io/warm-supervisor.ts",
      "src/io/keeper-process.ts",
    ],
    // Imported statically by the registry, initialised from the command tree when first used (onDemand).
    registryOnDemand(),
  ],
  [
    "src/jllocal.ts",
    "dist/jllocal.cjs",
    [
      ["jllocal-commands", "src/jllocal-commands.ts", ["runCommandLine"]],
      // jllocal's full connect path (lock, master, start, forward): the warm path never needs it.
      ["connect-fresh", "src/local/connect-fresh.ts", ["connectFresh"]],
    ],
  ],
];
// Bundles of earlier builds (ES modules) would otherwise linger in dist/ and in `npm pack`.
for (const old of ["dist/jlremote.mjs", "dist/jllocal.mjs"]) rmSync(resolve(root, old), { force: true });
for (const [entry, out, trees, fast, demand = []] of bins) {
  const plugins = [pinoWithoutTransports, assertForChecks];
  const sections = new Map();
  // The modules the fast paths import lazily, and those initialised on demand, come from the first tree (jlremote's
  // command tree).
  const onDemandFiles = demand.map((f) => resolve(root, f));
  const lazy = fast
    ? [
        ...(await lazyModules(
          entry,
          fast,
          trees.map((t) => t[1]),
        )),
        ...onDemandFiles,
      ]
    : [];
  for (const [i, [name, source, names, prefetch]] of trees.entries()) {
    const served = i === 0 && lazy.length > 0;
    const packed = await packTree(served ? treeServingLazy(source, names, lazy) : source);
    plugins.push(embed(name, packed, names, prefetch === true, sections));
    if (served) plugins.push(embedLazy(name, lazy));
    if (served && onDemandFiles.length > 0) plugins.push(onDemand(name, onDemandFiles, lazy));
  }
  // No template literals: esbuild writes their line breaks as such, and the main code is one line of the file, the
  // source V8 compiles as it stands (bundleFile).
  const main = await build({
    ...common,
    entryPoints: [entry],
    write: false,
    minify: true,
    supported: { "template-literal": false },
    plugins,
  });
  mkdirSync(dirname(resolve(root, out)), { recursive: true });
  writeFileSync(resolve(root, out), bundleFile(directBuiltins(main.outputFiles[0].text), sections, await boot()), {
    mode: 0o755,
  });
  chmodSync(resolve(root, out), 0o755);
}
// Code caches a run made beside earlier bundles (src/io/code-cache.ts) are not part of a build.
for (const f of readdirSync(resolve(root, "dist"))) if (f.endsWith(".v8cache")) rmSync(resolve(root, "dist", f));

// The keeper and the jupyter_server extension (python/) travel next to the bundle, which finds them as ./python/.
rmSync(resolve(root, "dist/python"), { recursive: true, force: true });
cpSync(resolve(root, "python"), resolve(root, "dist/python"), {
  recursive: true,
  filter: (src) => !src.includes("__pycache__"),
});

// jlremote's JupyterLab 4 extension, prebuilt: Jupyter loads it from dist/labextension through jlremote's config file.
await buildLabextension(root);
