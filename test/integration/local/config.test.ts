import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JlremoteError } from "../../../src/core/errors.js";
import { readLocalConfig } from "../../../src/local/config.js";

function withConfig(text: string | null, fn: (env: Record<string, string>) => void): void {
  const d = mkdtempSync(join(tmpdir(), "jll-cfg-"));
  try {
    if (text !== null) {
      mkdirSync(join(d, "jlremote"));
      writeFileSync(join(d, "jlremote", "local.json"), text);
    }
    fn({ XDG_CONFIG_HOME: d, HOME: d });
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

test("no config file means no defaults", () => {
  withConfig(null, (env) =>
    assert.deepEqual(readLocalConfig(env), { defaultHost: null, remoteCmd: null, sshConfig: null, remoteNode: null }),
  );
});

test("defaultHost and remoteCmd are read from local.json", () => {
  withConfig(`{"defaultHost": "gpu1", "remoteCmd": "~/node ~/jl.mjs", "remoteNode": "~/conda/bin/node"}`, (env) =>
    assert.deepEqual(readLocalConfig(env), {
      defaultHost: "gpu1",
      remoteCmd: "~/node ~/jl.mjs",
      sshConfig: null,
      remoteNode: "~/conda/bin/node",
    }),
  );
});

test("a damaged or mistyped config is a usage error naming the file", () => {
  for (const text of ["{oops", `{"defaultHost": 3}`, "[]"]) {
    withConfig(text, (env) =>
      assert.throws(
        () => readLocalConfig(env),
        (e: unknown) => e instanceof JlremoteError && e.exitCode === 2 && e.message.includes("local.json"),
      ),
    );
  }
});
