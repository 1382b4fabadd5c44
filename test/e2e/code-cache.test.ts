// End-to-end: the V8 code cache of the bundle's command tree (src/io/code-cache.ts): made on the first run, used on
// the next, never taken from a file someone else could have written, and never needed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { CLI, E2E_TIMEOUT_MS, sandbox, type Sandbox } from "../helpers/cli.js";
import { debian, flavourArgs } from "../helpers/flavours.js";
import { FAST_MAIN, shortHash } from "../../src/core/code-cache.js";
import { SUPERVISOR_NODE_FLAGS } from "../../src/io/supervisor-argv.js";

let sb: Sandbox;
let bundleDir = "";
let bundle = "";
beforeEach(() => {
  sb = sandbox();
  // A copy of the bundle, so the caches it makes beside itself stay in the sandbox.
  bundleDir = join(sb.dir, "lib");
  mkdirSync(bundleDir);
  bundle = join(bundleDir, "jlremote.cjs");
  copyFileSync(CLI, bundle);
});
afterEach(() => sb.cleanup());

/** `stop` (it loads the command tree) of a stopped instance through the copied bundle: the same answer whatever the cache. */
function stopNone(env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bundle, "stop", "--name", "none"], {
    env: { ...sb.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "jlremote: instance 'none' is not running (stopped)\n");
}

const caches = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".v8cache"));
/** The caches of the bundle's main code and of its packed tree `tree`, in that order (either missing: undefined). */
const mainAndTree = (dir: string, tree: string) =>
  ["main-", `${tree}-`].map((p) => caches(dir).find((f) => f.startsWith(p)));

test("the first run writes the caches beside the bundle (not writable by others) and the next run keeps them", () => {
  stopNone();
  const names = mainAndTree(bundleDir, "cli-commands");
  // One of the main code (src/io/bundle-sections.ts), one of the packed tree `stop` loads.
  for (const name of names) assert.ok(name, `a cache is missing beside the bundle: ${caches(bundleDir).join(", ")}`);
  const files = names.map((n) => join(bundleDir, n as string));
  const first = files.map((f) => statSync(f));
  for (const st of first) assert.equal(st.mode & 0o022, 0);
  stopNone();
  // A cache V8 accepted is not written again.
  assert.deepEqual(
    files.map((f) => statSync(f).ino),
    first.map((st) => st.ino),
  );
  assert.deepEqual(caches(bundleDir).sort(), [...names].sort());
});

test("a cache others could write, or another user's, is not loaded but replaced by our own", () => {
  stopNone();
  // The main code's cache (read by the bundle's boot) and the tree's (read when the tree loads).
  const names = mainAndTree(bundleDir, "cli-commands");
  for (const name of names) {
    assert.ok(name);
    const file = join(bundleDir, name);
    const valid = readFileSync(file);
    for (const plant of [() => chmodSync(file, 0o666), () => chownSync(file, 65534, 65534)]) {
      writeFileSync(file, valid);
      chmodSync(file, 0o644);
      plant();
      const planted = statSync(file).ino;
      stopNone();
      const now = statSync(file);
      assert.notEqual(now.ino, planted, `the planted ${name} was kept, so it was accepted`);
      assert.equal(now.uid, process.getuid?.());
      assert.equal(now.mode & 0o022, 0);
    }
  }
});

test("a symlink, a FIFO or garbage under the cache's name neither blocks nor breaks a run", () => {
  stopNone();
  const [name] = caches(bundleDir);
  assert.ok(name);
  const file = join(bundleDir, name);
  const valid = readFileSync(file);
  const elsewhere = join(sb.dir, "elsewhere.v8");
  writeFileSync(elsewhere, valid);
  spawnSync("rm", ["-f", file]);
  symlinkSync(elsewhere, file);
  stopNone();
  spawnSync("rm", ["-f", file]);
  assert.equal(spawnSync("mkfifo", [file]).status, 0);
  stopNone();
  spawnSync("rm", ["-f", file]);
  writeFileSync(file, Buffer.concat([valid.subarray(0, valid.indexOf(10) + 1), Buffer.alloc(5000, 7)]));
  stopNone();
  stopNone();
});

test("an edited bundle does not use the cache of the old one", () => {
  stopNone();
  const [name] = caches(bundleDir);
  assert.ok(name);
  const before = statSync(join(bundleDir, name)).ino;
  // Same tree and length, another mtime: the header no longer matches, so the cache is made again.
  const t = new Date(Date.now() + 5_000);
  spawnSync("touch", ["-d", t.toISOString(), bundle]);
  stopNone();
  assert.notEqual(statSync(join(bundleDir, name)).ino, before);
});

test("with JLREMOTE_CODE_CACHE=0 nothing is written", () => {
  stopNone({ JLREMOTE_CODE_CACHE: "0" });
  stopNone({ JLREMOTE_CODE_CACHE: "0" });
  assert.deepEqual(caches(bundleDir), []);
});

test("a user who cannot write beside the bundle keeps the cache in ~/.cache/jlremote", (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root to run as a second uid");
  // nobody runs the bundle from a root-owned directory, with a HOME of its own.
  chmodSync(sb.dir, 0o711);
  const home = join(sb.dir, "nobody-home");
  mkdirSync(home);
  chownSync(home, 65534, 65534);
  const asNobody = () =>
    spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bundle, "stop", "--name", "none"],
      { env: { PATH: sb.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" }, encoding: "utf8", timeout: 30_000 },
    );
  const first = asNobody();
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(caches(bundleDir), []);
  const dir = join(home, ".cache", "jlremote");
  const [name] = caches(dir);
  assert.ok(name, "no cache in ~/.cache/jlremote");
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const ino = statSync(join(dir, name)).ino;
  assert.equal(asNobody().status, 0);
  assert.equal(statSync(join(dir, name)).ino, ino);
});

test("a warm supervisor that exits unused writes no cache (its tree compiled, none of it run)", () => {
  const warm = (input: string) =>
    spawnSync(process.execPath, [...SUPERVISOR_NODE_FLAGS, bundle, "run", "--warm"], {
      env: sb.env,
      input,
      encoding: "utf8",
      timeout: 30_000,
    });
  const r = warm("");
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(caches(bundleDir), []);
  // The same process told to run (into a missing dir: it fails after compiling) does write one.
  const go = warm(`${JSON.stringify({ argv: ["run", "--name", "w", "--daemon-child"], cwd: join(sb.dir, "gone") })}\n`);
  assert.notEqual(go.status, 0);
  assert.equal(caches(bundleDir).length, 2, go.stderr);
  // The next supervisor accepts the cache of one that ran its command (here: to a usage error). The V8 flag a
  // supervisor sets at run time (io/young-generation.ts) changes V8's flag hash: set after the compile, it made every
  // supervisor reject the cache and write it again.
  for (const f of caches(bundleDir)) rmSync(join(bundleDir, f));
  const bad = `${JSON.stringify({ argv: ["run", "--name", "w", "--daemon-child", "--port", "x"], cwd: sb.dir })}\n`;
  assert.equal(warm(bad).status, 2);
  const made = mainAndTree(bundleDir, "cli-commands");
  for (const name of made) assert.ok(name, `the supervisor wrote no cache: ${caches(bundleDir).join(", ")}`);
  const inos = made.map((n) => statSync(join(bundleDir, n as string)).ino);
  assert.equal(warm(bad).status, 2);
  assert.deepEqual(
    made.map((n) => statSync(join(bundleDir, n as string)).ino),
    inos,
    "a supervisor's cache was rejected and written again",
  );
});

test("a supervisor that ran Jupyter writes its caches before it caps its young generation, and the next one keeps them", {
  timeout: E2E_TIMEOUT_MS,
}, () => {
  // The cap (io/young-generation.ts) changes V8's flag hash once Jupyter is spawned: a cache written after it would be
  // rejected, and written again, by every later supervisor.
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args], { env: sb.env, cwd: sb.dir, encoding: "utf8", timeout: 120_000 });
  const supervisorCaches = () =>
    caches(bundleDir)
      .filter((f) => f.endsWith(`-${shortHash(SUPERVISOR_NODE_FLAGS.join("\0"))}.v8cache`))
      .sort();
  const cycle = () => {
    const started = run("start", "--name", "cc", ...flavourArgs(debian), "--json");
    assert.equal(started.status, 0, started.stderr);
    assert.equal((JSON.parse(started.stdout) as { state: string }).state, "running");
    const stopped = run("stop", "--name", "cc");
    assert.equal(stopped.status, 0, stopped.stderr);
  };
  cycle();
  const made = supervisorCaches();
  assert.ok(made.some((f) => f.startsWith("main-")) && made.some((f) => f.startsWith("cli-commands-")), made.join());
  const inos = made.map((f) => statSync(join(bundleDir, f)).ino);
  cycle();
  assert.deepEqual(supervisorCaches(), made);
  assert.deepEqual(
    made.map((f) => statSync(join(bundleDir, f)).ino),
    inos,
    "a supervisor's cache was rejected and written again",
  );
});

test("status and url keep a main-code cache of their own, which other commands leave alone", () => {
  const status = (command = "status") =>
    spawnSync(process.execPath, [bundle, command, ...(command === "status" ? ["--json"] : []), "--name", "none"], {
      env: sb.env,
      encoding: "utf8",
    });
  stopNone();
  const main = caches(bundleDir).find((f) => f.startsWith("main-"));
  assert.ok(main, caches(bundleDir).join());
  const mainIno = statSync(join(bundleDir, main)).ino;
  // A cache made by another command lacks status's functions: status makes its own (core/code-cache.ts).
  assert.equal(status().status, 3);
  const fast = caches(bundleDir).find((f) => f.startsWith(`${FAST_MAIN}-`));
  assert.ok(fast, `status wrote no cache of its own: ${caches(bundleDir).join()}`);
  const fastIno = statSync(join(bundleDir, fast)).ino;
  assert.equal(status().status, 3);
  // url compiles with the same cache (it is on the same fast path), and stop with the shared one.
  assert.equal(status("url").status, 3);
  stopNone();
  assert.deepEqual(
    caches(bundleDir)
      .filter((f) => f.startsWith("main"))
      .sort(),
    [main, fast].sort(),
  );
  assert.deepEqual(
    [main, fast].map((f) => statSync(join(bundleDir, f)).ino),
    [mainIno, fastIno],
    "a main-code cache was written again",
  );
});

test("the boot runs from the text node read: the bundle file is read once", () => {
  // A preload that counts readFileSync calls on the bundle: node's CommonJS loader's, and any of the boot's own.
  const hook = join(sb.dir, "count-reads.cjs");
  writeFileSync(
    hook,
    `const fs = require("node:fs"); const read = fs.readFileSync; let n = 0;
fs.readFileSync = function (p, ...rest) { if (p === ${JSON.stringify(bundle)}) n += 1; return read.call(this, p, ...rest); };
process.on("exit", () => fs.writeSync(2, "bundle reads: " + n + "\\n"));\n`,
  );
  const r = spawnSync(process.execPath, ["-r", hook, bundle, "status", "--json", "--name", "none"], {
    env: sb.env,
    encoding: "utf8",
  });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr, "bundle reads: 1\n");
});

test("a copy of the bundle cut short in its main code fails with one line and exit 1, no stack trace", () => {
  const text = readFileSync(bundle);
  // Cut inside the main section (src/boot.ts reports it; no command runs).
  const at = text.indexOf("\n//@jl:section main ");
  assert.ok(at > 0, "the bundle has no main section");
  writeFileSync(bundle, text.subarray(0, at + 200));
  const r = spawnSync(process.execPath, [bundle, "status", "--json"], {
    env: sb.env,
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `jlremote: ${bundle} has no section 'main': the bundle is damaged; install it again\n`);
});

test("a copy cut short in its command tree still answers status; a command that needs the tree says it is damaged", () => {
  const text = readFileSync(bundle);
  // Cut inside the packed tree, after the whole main section (the arrow function that held the sections is then
  // `() => 0`: the boot reads the file, src/boot.ts).
  const at = text.indexOf("\n//@jl:section cli-commands ");
  assert.ok(at > 0, "the bundle has no command tree");
  writeFileSync(bundle, text.subarray(0, at + 5000));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args], { env: sb.env, encoding: "utf8", timeout: 30_000 });
  const status = run("status", "--json", "--name", "none");
  assert.equal(status.status, 3, status.stderr);
  assert.equal(JSON.parse(status.stdout).state, "stopped");
  const list = run("list");
  assert.equal(list.status, 1, list.stderr);
  assert.equal(list.stdout, "");
  assert.equal(
    list.stderr,
    `jlremote: ${bundle} has no section 'cli-commands': the bundle is damaged; install it again\n`,
  );
});

test("the bundle holds its main code and one command tree, which also serves the modules the fast paths import lazily", () => {
  const text = readFileSync(bundle, "latin1");
  const names = [...text.matchAll(/^\/\/@jl:section (\S+) [0-9a-f]+$/gm)].map((m) => m[1]);
  // Until the nineteenth round a second tree repeated ~40 KB of the first in the file every command reads.
  assert.deepEqual(names, ["main", "cli-commands"]);
  const at = text.indexOf("\n//@jl:section main ");
  const main = text.slice(at, text.indexOf("\n//@jl:end", at));
  // The schedulers' own commands are lazy (a filter meant for the trees' entries, `-commands.ts`, kept them in).
  for (const command of ['"sbatch"', '"scontrol"', '"qsub"'])
    assert.ok(!main.includes(command), `main holds ${command}`);
  // The schedulers themselves are initialised on demand from the tree (scripts/build.mjs, onDemand): main has their job
  // files' names (the registry's choice), not their code (their jobs' environment, for one).
  for (const text of ["slurm-job.json", "sge-job.json"]) assert.ok(main.includes(text), `main lacks ${text}`);
  for (const text of ["SLURM_JOB_ID", "SGE_JOB_SPOOL_DIR"]) assert.ok(!main.includes(text), `main holds ${text}`);
  // Built-ins come through process.getBuiltinModule, not require's module loader.
  const head = text.slice(0, text.indexOf("\n//@jl:section cli-commands "));
  assert.ok(head.includes('process.getBuiltinModule?.("node:fs")'));
  // `require` only as the fallback of a node too old for getBuiltinModule.
  const alone = [...head.matchAll(/require\("node:/g)].filter((m) => head.slice(m.index - 3, m.index) !== "?? ");
  assert.deepEqual(alone, [], "a built-in through require alone");
  // The boot's functions that run at every command are parenthesised: V8 compiles them with the boot's own parse, not
  // each again at its first call (scripts/eager-boot-functions.json).
  const boot = text.slice(0, at);
  const eager: string[] = JSON.parse(
    readFileSync(join(import.meta.dirname, "../../scripts/eager-boot-functions.json"), "utf8"),
  );
  assert.ok((boot.match(/=\(function\(/g) ?? []).length >= eager.length, "the boot's hot functions are not eager");
  // A lazily imported module, served by the command tree: stop of an instance that is not running (its cleanup).
  stopNone();
  assert.ok(
    caches(bundleDir).some((f) => f.startsWith("cli-commands-")),
    caches(bundleDir).join(", "),
  );
});
