import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openBrowser } from "../../../src/local/browser.js";
import type { LocalContext } from "../../../src/local/context.js";
import { waitFor } from "../../helpers/cli.js";

function ctxWith(env: Record<string, string>, errs: string[]): LocalContext {
  const progress = { show: () => {}, done: () => {} };
  return { env, out: () => {}, err: (l) => errs.push(l), progress, platform: "linux", version: "test" };
}

test("a failing $BROWSER falls through to xdg-open, which gets the 0600 redirect page, not the URL", async () => {
  const d = mkdtempSync(join(tmpdir(), "jll-browser-"));
  try {
    writeFileSync(join(d, "failing-browser"), "#!/bin/sh\nexit 3\n");
    writeFileSync(join(d, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${d}/opened'\n`);
    for (const f of ["failing-browser", "xdg-open"]) chmodSync(join(d, f), 0o755);
    const errs: string[] = [];
    const url = "http://127.0.0.1:9/tree?token=s3cret";
    const ok = await openBrowser(
      url,
      join(d, "page.html"),
      ctxWith({ PATH: `${d}:/usr/bin:/bin`, BROWSER: "failing-browser" }, errs),
    );
    assert.equal(ok, true);
    assert.deepEqual(errs, []);
    const opened = await waitFor(
      "the opener to run",
      () => {
        try {
          return readFileSync(join(d, "opened"), "utf8");
        } catch {
          return "";
        }
      },
      5000,
    );
    assert.equal(opened, `${join(d, "page.html")}\n`);
    assert.ok(readFileSync(join(d, "page.html"), "utf8").includes(`url=${url}"`));
    assert.equal(statSync(join(d, "page.html")).mode & 0o777, 0o600);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("no opener at all is one warning and false, not an error", async () => {
  const d = mkdtempSync(join(tmpdir(), "jll-browser-"));
  try {
    const errs: string[] = [];
    const ok = await openBrowser(
      "http://127.0.0.1:9/",
      join(d, "page.html"),
      ctxWith({ PATH: d, BROWSER: "nope-browser" }, errs),
    );
    assert.equal(ok, false);
    assert.deepEqual(errs, [
      "jllocal: warning: could not open a browser (nope-browser: not found, xdg-open: not found); open the URL above yourself",
    ]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
