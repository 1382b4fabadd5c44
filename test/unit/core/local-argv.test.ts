// The fast `jllocal [HOST]` parser against yargs itself, on jllocal's real option table.
import assert from "node:assert/strict";
import { test } from "node:test";
import yargs from "yargs";
import { parseFastConnect } from "../../../src/core/local-argv.js";
import { connectOpts } from "../../../src/jllocal-commands.js";

const accepted = [
  [],
  ["cluster"],
  ["cluster", "--no-browser"],
  ["--no-browser", "cluster"],
  ["me@host", "--name", "n1", "--json", "--no-start"],
  ["h", "--local-port=9000", "--ssh-config", "/c", "--remote-cmd", "~/node ~/j.cjs", "--sock", "--browser", "--start"],
  ["h", "--name=x y"],
  ["h", "--no-install"],
  ["h", "--remote-node", "~/conda/bin/node", "--install"],
];

test("every argv the fast parser accepts gives what yargs gives the connect command", async () => {
  for (const args of accepted) {
    const fast = parseFastConnect(args);
    assert.ok(fast, `${args.join(" ")} should take the fast path`);
    const slow = await yargs(args)
      .command("$0 [host]", "", (c) => c.options(connectOpts))
      .strict()
      .help(false)
      .version(false)
      .parseAsync();
    for (const [key, value] of Object.entries(fast)) {
      assert.deepEqual(value, (slow as Record<string, unknown>)[key], `${args.join(" ")}: ${key}`);
    }
  }
});

test("commands, help, unknown, repeated or odd options fall back to yargs", () => {
  for (const args of [
    ["status"],
    ["kill", "h"],
    ["--help"],
    ["--version"],
    ["h", "--nme", "x"],
    ["h", "-n", "x"],
    ["h", "--name"],
    ["h", "--name", "a", "--name", "b"],
    ["h", "--json=true"],
    ["h", "i"],
    ["h", "--no-sock"],
    ["h", "--"],
    ["h", "--localPort", "1"],
  ]) {
    assert.equal(parseFastConnect(args), null, args.join(" "));
  }
});
