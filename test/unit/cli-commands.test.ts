// The canonical fast parser against yargs itself, on the real option tables of start, run, stop and restart.
import assert from "node:assert/strict";
import { test } from "node:test";
import yargs from "yargs";
import { canonical } from "../../src/cli-commands.js";
import { parseCanonical } from "../../src/core/fast-argv.js";

const cases: [keyof typeof canonical, string[]][] = [
  ["start", []],
  ["start", ["--name", "x", "--app", "server", "--port", "9000", "--json"]],
  ["start", ["--root-dir=/tmp", "--sock", "--timeout", "5", "--", "--ServerApp.x=1", "--y"]],
  [
    "run",
    [
      "--name",
      "a",
      "--jupyter",
      "/usr/bin/jupyter",
      "--max-restarts",
      "0",
      "--stop-timeout",
      "2",
      "--health-interval",
      "0.5",
      "--health-retries",
      "2",
      "--daemon-child",
    ],
  ],
  ["stop", ["--name", "n1"]],
  ["restart", []],
];

test("every argv the fast parser accepts gives the handler what yargs would give it", async () => {
  for (const [command, args] of cases) {
    const spec = canonical[command][0];
    const fast = parseCanonical(args, spec);
    assert.ok(fast, `${command} ${args.join(" ")} should take the fast path`);
    const slow = await yargs(args)
      .options(spec)
      .parserConfiguration({ "populate--": true })
      .strict()
      .help(false)
      .version(false)
      .parseAsync();
    for (const key of Object.keys(fast)) {
      // yargs leaves out "--" when nothing follows it; the handlers read it as `?? []`.
      const expected = (slow as Record<string, unknown>)[key] ?? (key === "--" ? [] : undefined);
      assert.deepEqual(fast[key], expected, `${command} ${args.join(" ")}: ${key}`);
    }
    // Nothing yargs gives the handler (camelCase keys) is missing from the fast result.
    for (const key of Object.keys(slow).filter((k) => /^[a-z][A-Za-z]*$/.test(k) && k !== "_")) {
      assert.ok(Object.hasOwn(fast, key), `${command} ${args.join(" ")}: ${key} missing`);
    }
  }
});

test("argv outside the canonical form of the real tables falls back to yargs", () => {
  for (const args of [
    ["--nme", "x"],
    ["-n", "x"],
    ["--name"],
    ["--port", "1", "--port", "2"],
    ["--sock=true"],
    ["positional"],
    ["--help"],
  ]) {
    assert.equal(parseCanonical(args, canonical.start[0]), null, args.join(" "));
  }
});

test("a spec with a validation of its own (choices) is never parsed by the fast path", () => {
  assert.equal(parseCanonical(["--app", "server"], { app: { type: "string", choices: ["server"] } } as never), null);
});
