// A real browser tab keeps its kernel across a Jupyter crash: JupyterLab in headless Debian Chromium (playwright-core),
// a notebook open, `x = 41` run, Jupyter SIGKILLed, and without reloading the next cell `x + 1` shows 42.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { artifactsDir } from "../helpers/browser.js";
import { alive, freePort, runCli, sandbox, waitFor } from "../helpers/cli.js";
import { flavourArgs, jupyterlab4 } from "../helpers/flavours.js";
import { status } from "../helpers/jupyter.js";
import { type OpenBrowser, openBrowser } from "../helpers/lab-page.js";

const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
const notebook = {
  cells: [cell("x = 41"), cell("x + 1")],
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  nbformat: 4,
  nbformat_minor: 5,
};

test("JupyterLab in a browser: after a SIGKILL of Jupyter the open notebook's next cell sees x = 41 (x + 1 shows 42) without a reload, and jlremote's crash notice appears in the same tab", {
  skip: jupyterlab4.skip,
  timeout: 240_000,
}, async (t) => {
  const sb = sandbox();
  // One hook, the browser first: its profile is in the sandbox, and a hook that throws skips the ones after it.
  let browser: OpenBrowser | undefined;
  t.after(async () => {
    await browser?.close();
    await sb.cleanup();
  });
  writeFileSync(join(sb.dir, "adopt.ipynb"), JSON.stringify(notebook));
  const port = await freePort();
  const r = await runCli(["start", ...flavourArgs(jupyterlab4), "--port", String(port), "--root-dir", sb.dir], sb.env, {
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const s = await status(sb);
  browser = await openBrowser(sb.dir);
  const page = browser.page;
  await page.goto(`http://127.0.0.1:${port}/lab/tree/adopt.ipynb?token=${s.token}`);
  const cells = page.locator(".jp-NotebookPanel .jp-CodeCell");
  await cells.nth(1).waitFor();
  // jlremote's lab extension (dist/labextension, loaded through its config file): the status bar item.
  const item = page.locator(".jlremote-StatusItem");
  await waitFor(
    "the jlremote status bar item",
    async () => /^jlremote: default · up /.test((await item.textContent()) ?? ""),
    60_000,
  );
  // Run the first cell once the kernel is up (its prompt turns to [1]).
  await page
    .locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']")
    .first()
    .waitFor({ timeout: 120_000 })
    .catch(() => {});
  // Run it, and again if it did not take (a kernel still starting, a dialog in the way): x = 41 twice is harmless.
  let pressedAt = 0;
  await waitFor(
    "x = 41 ran",
    async () => {
      const prompt = (await cells.nth(0).locator(".jp-InputPrompt").textContent()) ?? "";
      if (/\[\d+\]/.test(prompt)) return true;
      if (performance.now() - pressedAt > 10_000 && !prompt.includes("*")) {
        if ((await page.locator(".jp-Dialog").count()) > 0) await page.keyboard.press("Enter");
        await cells.nth(0).locator(".cm-content").click();
        await page.keyboard.press("Shift+Enter");
        pressedAt = performance.now();
      }
      return false;
    },
    120_000,
    250,
  );

  process.kill(s.jupyterPid, "SIGKILL");
  await waitFor(
    "a new Jupyter",
    async () => {
      const x = await status(sb);
      return x.state === "running" && x.jupyterPid !== s.jupyterPid;
    },
    60_000,
  );
  // JupyterLab's "Server Connection Error" dialog from the outage is dismissed (Escape); the page is never reloaded.
  await waitFor(
    "the second cell focused",
    async () => {
      for (let i = 0; i < 5 && (await page.locator(".jp-Dialog").count()) > 0; i += 1)
        await page.keyboard.press("Escape");
      try {
        await cells.nth(1).locator(".cm-content").click({ timeout: 2000 });
        return true;
      } catch {
        return false;
      }
    },
    60_000,
    200,
  );
  // The crash notice in the same tab, with the re-adoption report.
  const notice = page.locator(".jp-Notification-Toast-warning", { hasText: "Jupyter restarted after a crash" });
  await notice.first().waitFor({ timeout: 60_000 });
  assert.match((await notice.first().textContent()) ?? "", /1 kernel re-adopted — variables intact/);
  await page.keyboard.press("Shift+Enter");
  const out = cells.nth(1).locator(".jp-OutputArea-output");
  await out.waitFor({ timeout: 120_000 });
  assert.equal(((await out.textContent()) ?? "").trim(), "42");
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, "lab-extension-crash-notice.png") });
  assert.ok(alive((await status(sb)).jupyterPid));
});
