// A real browser on a Jupyter URL: headless Debian Chromium driven by playwright-core (never a downloaded browser).
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { openBrowser } from "./lab-page.js";

/** Where tests keep screenshots (ignored by git; the path is printed in the test output). */
export const artifactsDir = resolve(import.meta.dirname, "../../test-artifacts");

/** What the browser saw. */
export interface NotebookRun {
  launcherSeen: boolean;
  output: string;
  screenshot: string;
}

/** Open `url` (JupyterLab), check the launcher, create a Python notebook, run `1+1`, return the output and a screenshot. */
export async function runNotebookInBrowser(url: string, tmp: string, shotName: string): Promise<NotebookRun> {
  mkdirSync(artifactsDir, { recursive: true });
  const screenshot = join(artifactsDir, shotName);
  const browser = await openBrowser(tmp);
  const page = browser.page;
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
    await browser.close();
  }
}
