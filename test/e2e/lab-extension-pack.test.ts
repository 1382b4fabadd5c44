// The tarball (`npm pack`) carries the prebuilt JupyterLab extension: it installs with no network, adds at most 1 MB,
// and JupyterLab 4 loads the extension from the installed copy without anything written into the Python environment.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { freePort, httpStatus, runCli, sandbox, waitFor } from "../helpers/cli.js";
import { flavourArgs, jupyterlab4, labVenv } from "../helpers/flavours.js";
import { status } from "../helpers/jupyter.js";
import { type OpenBrowser, openBrowser } from "../helpers/lab-page.js";

const repo = resolve(import.meta.dirname, "../..");

/** Every file under `dir` with its size and mtime (a write anywhere in it changes this). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st) out.push(`${p} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

const pipList = () =>
  spawnSync(join(labVenv, "bin/python"), ["-m", "pip", "list", "--format=freeze"], { encoding: "utf8" }).stdout;

test("the tarball installs offline, its lab extension adds <= 1 MB, and JupyterLab 4 loads it with nothing written to the Python env", {
  skip: jupyterlab4.skip,
  timeout: 300_000,
}, async (t) => {
  const sb = sandbox();
  // One hook, the browser first: its profile is in the sandbox, and a hook that throws skips the ones after it.
  let browser: OpenBrowser | undefined;
  t.after(async () => {
    await browser?.close();
    await sb.cleanup();
  });
  const pack = spawnSync("npm", ["pack", "--json", "--pack-destination", sb.dir], { cwd: repo, encoding: "utf8" });
  assert.equal(pack.status, 0, pack.stderr);
  const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string; size: number }[] }[];
  const ext = info[0]?.files.filter((f) => f.path.startsWith("dist/labextension/")) ?? [];
  assert.ok(
    ext.some((f) => f.path.endsWith("jlremote-labextension/package.json")),
    "the extension is in the tarball",
  );
  const bytes = ext.reduce((n, f) => n + f.size, 0);
  assert.ok(bytes <= 1024 * 1024, `the extension adds ${bytes} bytes`);

  // No network: npm runs in a network namespace of its own with only a loopback that is down.
  const prefix = join(sb.dir, "prefix");
  const tgz = join(sb.dir, info[0]?.filename as string);
  const install = spawnSync(
    "unshare",
    ["--net", "npm", "install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", tgz],
    { encoding: "utf8", env: { ...process.env, npm_config_cache: join(sb.dir, "npm-cache") }, timeout: 120_000 },
  );
  assert.equal(install.status, 0, install.stderr);
  const cli = join(prefix, "lib/node_modules/jlremote/dist/jlremote.cjs");

  const pipBefore = pipList();
  const shareBefore = tree(join(labVenv, "share/jupyter"));
  const port = await freePort();
  const r = await runCli(["start", ...flavourArgs(jupyterlab4), "--port", String(port), "--root-dir", sb.dir], sb.env, {
    timeoutMs: 90_000,
    cli,
  });
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  // The server side's view: authenticated, never the token, the instance's fields.
  const api = `http://127.0.0.1:${port}/jlremote/status`;
  assert.equal(await httpStatus(api), 403);
  const viewText = await (await fetch(api, { headers: { Authorization: `token ${s.token}` } })).text();
  assert.ok(!viewText.includes(s.token), "the view never carries the token");
  const view = JSON.parse(viewText) as Record<string, unknown>;
  assert.equal(view.name, "default");
  assert.equal(view.backend, "detached");
  assert.equal(view.job, null);
  browser = await openBrowser(sb.dir);
  const foreign: string[] = [];
  browser.page.on("request", (req) => {
    if (!req.url().startsWith(`http://127.0.0.1:${port}/`) && !req.url().startsWith("data:")) foreign.push(req.url());
  });
  await browser.page.goto(`http://127.0.0.1:${port}/lab?token=${s.token}`);
  const item = browser.page.locator(".jlremote-StatusItem");
  await waitFor("the status bar item", async () => /^jlremote: default/.test((await item.textContent()) ?? ""), 90_000);
  assert.deepEqual(foreign, [], "the page fetched nothing from elsewhere");
  assert.equal(pipList(), pipBefore, "pip list unchanged");
  assert.deepEqual(tree(join(labVenv, "share/jupyter")), shareBefore, "nothing written under the venv's share/jupyter");
  assert.ok(!tree(join(labVenv, "share/jupyter")).some((l) => l.includes("jlremote")));

  // The panel's stop action, confirmed, stops the instance.
  await item.click();
  await browser.page.locator(".jp-Dialog button", { hasText: "Stop the instance" }).click();
  await browser.page.locator(".jp-Dialog .jp-mod-warn", { hasText: "Stop the instance" }).click();
  await waitFor("the instance stopped", async () => (await status(sb)).state === "stopped", 60_000, 500);
});
