import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCanonical, parseFastStatus, parseFastStop } from "../../../src/core/fast-argv.js";

test("status and url with only --json and --name take the fast path", () => {
  const cases: [string[], ReturnType<typeof parseFastStatus>][] = [
    [["status"], { command: "status", name: "default", json: false }],
    [["status", "--json"], { command: "status", name: "default", json: true }],
    [["status", "--json", "--name", "lab2"], { command: "status", name: "lab2", json: true }],
    [["status", "--name=lab2", "--json"], { command: "status", name: "lab2", json: true }],
    [["url", "--name", "x"], { command: "url", name: "x", json: false }],
  ];
  for (const [argv, want] of cases) assert.deepEqual(parseFastStatus(argv), want, argv.join(" "));
});

test("anything else is left to yargs, so help, typos and usage errors behave as before", () => {
  const cases = [
    [],
    ["start"],
    ["status", "--help"],
    ["status", "--nme", "x"],
    ["status", "--name"],
    ["status", "--name", "--json"],
    ["status", "--name="],
    ["url", "--json"],
    ["status", "extra"],
    ["list", "--json"],
    ["--version"],
    ["status", "--name", "a", "--name", "b"],
    ["url", "--name=a", "--name", "b"],
  ];
  for (const argv of cases) assert.equal(parseFastStatus(argv), null, argv.join(" "));
});

const specs = {
  name: { type: "string", default: "default" },
  "root-dir": { type: "string" },
  sock: { type: "boolean", default: false },
  lines: { type: "number", default: 40 },
} as const;

test("canonical argv parses like yargs would: defaults, camelCase keys, --opt=value, flags and -- extra args", () => {
  assert.deepEqual(parseCanonical([], specs), { "--": [], name: "default", sock: false, lines: 40 });
  assert.deepEqual(parseCanonical(["--name", "a", "--root-dir=/x y", "--sock", "--", "--debug", "x"], specs), {
    "--": ["--debug", "x"],
    name: "a",
    rootDir: "/x y",
    sock: true,
    lines: 40,
  });
});

test("anything outside the canonical form is left to yargs (null)", () => {
  const cases = [
    ["--nme", "a"],
    ["a"],
    ["--name"],
    ["--name", "--sock"],
    ["--name", "a", "--name", "b"],
    ["--sock=false"],
    ["--no-sock"],
    ["--lines", "3"],
    ["-n", "3"],
    ["--help"],
    ["--constructor", "x"],
  ];
  for (const argv of cases) assert.equal(parseCanonical(argv, specs), null, argv.join(" "));
});

test("parseOrStart takes a JSON array of strings and nothing else", async () => {
  const { parseOrStart } = await import("../../../src/core/fast-argv.js");
  const cases: [string | undefined, string[] | null][] = [
    ['["--sock"]', ["--sock"]],
    ["[]", []],
    [undefined, null],
    ["", null],
    ["--sock", null],
    ["[1]", null],
    ['{"a":1}', null],
    ["[", null],
  ];
  for (const [v, want] of cases) assert.deepEqual(parseOrStart(v), want, String(v));
});

test("stop with only --name takes the fast path (signal before the command tree loads); anything else goes to yargs", () => {
  const cases: [string[], { name: string } | null][] = [
    [["stop"], { name: "default" }],
    [["stop", "--name", "lab"], { name: "lab" }],
    [["stop", "--name=lab"], { name: "lab" }],
    [["stop", "--name="], null],
    [["stop", "--name"], null],
    [["stop", "--help"], null],
    [["stop", "--json"], null],
    [["stop", "lab"], null],
    [["stop", "--name", "a", "--name", "b"], null],
    [["restart", "--name", "lab"], null],
    [["status"], null],
    [[], null],
  ];
  for (const [argv, want] of cases) assert.deepEqual(parseFastStop(argv), want, argv.join(" "));
});
