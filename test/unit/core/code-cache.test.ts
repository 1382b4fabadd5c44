import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cacheFileName,
  cacheHeader,
  FAST_MAIN,
  mainCacheName,
  shortHash,
  startsWithHeader,
  trustedCacheFile,
} from "../../../src/core/code-cache.js";

const key = { build: "6e4a0c976a3e0cb0", script: "jlremote", nodeVersion: "v20.20.2", arch: "x64", execArgv: [] };

test("a cache file is trusted only when it is a regular file of ours or root's that no one else can write", () => {
  const me = 1000;
  const rows: [string, Parameters<typeof trustedCacheFile>[0], boolean][] = [
    ["ours, 0644", { isFile: true, uid: me, mode: 0o100644, size: 10, euid: me }, true],
    ["ours, 0600", { isFile: true, uid: me, mode: 0o100600, size: 10, euid: me }, true],
    ["root's, 0644", { isFile: true, uid: 0, mode: 0o100644, size: 10, euid: me }, true],
    ["another user's", { isFile: true, uid: 1001, mode: 0o100644, size: 10, euid: me }, false],
    ["ours but group-writable", { isFile: true, uid: me, mode: 0o100664, size: 10, euid: me }, false],
    ["ours but world-writable", { isFile: true, uid: me, mode: 0o100646, size: 10, euid: me }, false],
    ["root's but world-writable", { isFile: true, uid: 0, mode: 0o100666, size: 10, euid: me }, false],
    ["not a regular file", { isFile: false, uid: me, mode: 0o010644, size: 0, euid: me }, false],
    ["absurdly large", { isFile: true, uid: me, mode: 0o100644, size: 1e9, euid: me }, false],
  ];
  for (const [what, st, want] of rows) assert.equal(trustedCacheFile(st), want, what);
});

test("the cache's file name differs per script, build, node version, arch and node flags, and is one path component", () => {
  const names = [
    cacheFileName(key),
    cacheFileName({ ...key, script: "cli-commands" }),
    cacheFileName({ ...key, build: "0000000000000000" }),
    cacheFileName({ ...key, nodeVersion: "v22.1.0" }),
    cacheFileName({ ...key, arch: "arm64" }),
    cacheFileName({ ...key, execArgv: ["--max-semi-space-size=1", "--single-threaded"] }),
  ];
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^[A-Za-z0-9._-]+\.v8cache$/);
  assert.equal(cacheFileName({ ...key, script: "../x" }).includes("/"), false);
});

test("the header names the bundle file's size and mtime, so an edited bundle does not match an old cache", () => {
  const a = cacheHeader(key, { size: 100, mtimeMs: 1_700_000_000_123.7 });
  assert.equal(a, `jlremote-v8cache 1 ${cacheFileName(key)} 100 1700000000123\n`);
  assert.notEqual(a, cacheHeader(key, { size: 101, mtimeMs: 1_700_000_000_123.7 }));
  assert.notEqual(a, cacheHeader(key, { size: 100, mtimeMs: 1_700_000_001_000 }));
});

test("shortHash is FNV-1a 32-bit in hex", () => {
  assert.equal(shortHash(""), "811c9dc5");
  assert.equal(shortHash("a"), "e40c292c");
  assert.notEqual(shortHash("--single-threaded"), shortHash("--single-threadee"));
});

test("status and url compile the main code with a cache of their own; every other command line with the shared one", () => {
  const rows: [string[], string][] = [
    [["status", "--json", "--name", "a"], FAST_MAIN],
    [["status"], FAST_MAIN],
    [["url", "--name", "a"], FAST_MAIN],
    [["stop", "--name", "a"], "main"],
    [["start", "--json"], "main"],
    [["run", "--warm"], "main"],
    [["install", "--help"], "main"],
    [["--version"], "main"],
    [[], "main"],
  ];
  for (const [argv, want] of rows) assert.equal(mainCacheName(argv), want, argv.join(" "));
  assert.notEqual(cacheFileName({ ...key, script: FAST_MAIN }), cacheFileName({ ...key, script: "main" }));
});

test("a cache file's bytes start with the header only when every byte of it matches", () => {
  const header = cacheHeader(key, { size: 1234, mtimeMs: 1_700_000_000_000.5 });
  const bytes = (text: string, tail: number[] = []) => Uint8Array.from([...Buffer.from(text, "latin1"), ...tail]);
  const rows: [string, Uint8Array, boolean][] = [
    ["the header and V8's data", bytes(header, [0xc0, 0xde, 0, 1]), true],
    ["the header alone", bytes(header), true],
    ["cut short inside the header", bytes(header.slice(0, -1)), false],
    ["empty", new Uint8Array(0), false],
    ["another bundle's size", bytes(header.replace(" 1234 ", " 1235 "), [1]), false],
    ["its last byte (the newline) changed", bytes(`${header.slice(0, -1)} `, [1]), false],
    ["a byte above 127 where the header has its first letter", bytes(`\u00ea${header.slice(1)}`, [1]), false],
  ];
  for (const [what, data, want] of rows) assert.equal(startsWithHeader(data, header), want, what);
});
