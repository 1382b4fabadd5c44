// The committed per-command reference pages are what the option table renders (`npm run docs` rewrites them).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { renderCommandDocs } from "../../../scripts/gen-docs.js";

for (const bin of ["jlremote", "jllocal"] as const) {
  test(`docs/commands/${bin}.md is current with the option table (else run npm run docs)`, () => {
    const committed = readFileSync(new URL(`../../../docs/commands/${bin}.md`, import.meta.url), "utf8");
    assert.equal(committed, renderCommandDocs(bin));
  });
}

test("every visible option of every command has a row on its page", () => {
  const page = renderCommandDocs("jlremote");
  for (const flag of ["`--no-wait`", "`--sbatch OPTIONS`", "`-n N`", "`--bin-dir DIR`"])
    assert.ok(page.includes(flag), flag);
  assert.ok(!page.includes("--daemon-child"), "hidden options stay out");
});
