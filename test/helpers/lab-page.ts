// A JupyterLab page in headless Debian Chromium (playwright-core, never a downloaded browser), closed by PID.
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Page, chromium } from "playwright-core";
import { alive, descendantsOf, killPid, waitFor } from "./cli.js";

/** Flags from the machine notes: no network of its own, no sandbox (root), a fresh profile. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** An open browser: its first page, and `close` (the context, then every process with its profile, by PID). */
export interface OpenBrowser {
  page: Page;
  close: () => Promise<void>;
}

/** Launch Chromium with a fresh profile under `tmp`. */
export async function openBrowser(tmp: string, colorScheme: "light" | "dark" = "light"): Promise<OpenBrowser> {
  const profile = mkdtempSync(join(tmp, "chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs,
    timeout: 60_000,
    env: { HOME: profile, PATH: "/usr/bin:/bin", LANG: "C.UTF-8" },
    viewport: { width: 1280, height: 800 },
    colorScheme,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  return {
    page,
    close: async () => {
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
    },
  };
}
