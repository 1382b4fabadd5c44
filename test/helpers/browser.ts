// A real browser on a Jupyter URL: headless Debian Chromium driven by playwright-core (never a downloaded browser).
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { alive, descendantsOf, killPid, waitFor } from "./cli.js";

/** Where tests keep screenshots (ignored by git; the path is printed in the test output). */
export const artifactsDir = resolve(import.meta.dirname, "../../test-artifacts");

/** What the browser saw. */
export interface NotebookRun {
  launcherSeen: boolean;
  output: string;
  screenshot: string;
}

/** Flags from the machine notes: no network of its own, no sandbox (root), a fresh profile. */
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Open `url` (JupyterLab), check the launcher, create a Python notebook, run `1+1`, return the output and a screenshot. */
export async function runNotebookInBrowser(url: string, tmp: string, shotName: string): Promise<NotebookRun> {
  const profile = mkdtempSync(join(tmp, "chromium-profile-"));
  mkdirSync(artifactsDir, { recursive: true });
  const screenshot = join(artifactsDir, shotName);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs,
    timeout: 60_000,
    env: { HOME: profile, PATH: "/usr/bin:/bin", LANG: "C.UTF-8" },
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    page.setDefaultTimeout(60_000);
    await page.goto(url);
    await page.locator(".jp-LabShell .jp-Launcher").first().waitFor();
    const launcherSeen = (await page.locator("input[type=password], #login_submit").count()) === 0;
    await page.locator('.jp-LauncherCard[data-category="Notebook"]').first().click();
    const editor = page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first();
    await editor.waitFor();
    // A cell run before the kernel is connected can be dropped: wait for "Python 3 (ipykernel) | Idle" first.
    await page
      .getByText(/\(ipykernel\) \| Idle/)
      .first()
      .waitFor({ timeout: 180_000 });
    await editor.click();
    await page.keyboard.type("1+1");
    const out = page.locator(".jp-NotebookPanel .jp-OutputArea-output").first();
    for (let attempt = 1; ; attempt += 1) {
      await editor.click();
      await page.keyboard.press("Shift+Enter");
      try {
        await out.waitFor({ timeout: 60_000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    const output = ((await out.textContent()) ?? "").trim();
    await page.screenshot({ path: screenshot });
    return { launcherSeen, output, screenshot };
  } catch (err) {
    // What the page showed when it failed, for the test output.
    const failed = screenshot.replace(/\.png$/, "-failed.png");
    await page.screenshot({ path: failed }).catch(() => {});
    throw new Error(`${(err as Error).message.split("\n")[0]} (screenshot: ${failed})`, { cause: err });
  } finally {
    // By PID as well: the browser processes are ours (children of this test process, with our profile dir).
    const ours = descendantsOf(process.pid).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(profile);
      } catch {
        return false;
      }
    });
    await Promise.race([context.close(), new Promise((r) => setTimeout(r, 15_000))]);
    for (const p of ours) killPid(p);
    await waitFor("browser processes to exit", () => ours.every((p) => !alive(p)), 10_000).catch(() => {});
  }
}
