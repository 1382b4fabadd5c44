// Figure 12: what jlremote's JupyterLab extension adds to a page load: JupyterLab 4 (the venv) in headless Debian
// Chromium, navigation until the launcher is shown, with the extension vs without (JLREMOTE_LAB_UI=0), interleaved.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { cli } from "../lib/jlremote.mjs";
import { descendants, now } from "../lib/proc.mjs";
import { expectOk, interleave, median, timed } from "../lib/timing.mjs";

const venvJupyter = resolve(
  process.env.JLREMOTE_JUPYTERLAB_VENV ?? resolve(import.meta.dirname, "../../.cache/jupyterlab-venv"),
  "bin/jupyter",
);

/** Why figure 12 cannot run here, or null. */
export function labUiBenchSkip() {
  if (!existsSync(venvJupyter)) return `no JupyterLab venv (${venvJupyter}): make test-venv`;
  if (!existsSync("/usr/bin/chromium")) return "no /usr/bin/chromium (Debian's chromium package)";
  return null;
}

async function startLab(sb, name, env) {
  const r = expectOk(
    await timed(
      cli("start", "--app", "lab", "--jupyter", venvJupyter, "--name", name, "--root-dir", sb.rootDir, "--json"),
      { env, cwd: sb.rootDir, timeoutMs: 120_000, track: sb.inflight },
    ),
    `jlremote start --name ${name}`,
  );
  return JSON.parse(r.stdout).url;
}

/** Interleaved page loads (a fresh browser context each: nothing cached) of the two instances. */
export async function labPageLoad(sb, rounds) {
  const withUi = await startLab(sb, "bench-lab-ui", sb.env);
  const without = await startLab(sb, "bench-lab-plain", { ...sb.env, JLREMOTE_LAB_UI: "0" });
  const profile = mkdtempSync(join(sb.dir, "chromium-"));
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    env: { HOME: profile, PATH: "/usr/bin:/bin", LANG: "C.UTF-8" },
  });
  // Chromium's processes are this bench's children: remembered by PID for the sandbox's cleanup.
  for (const pid of descendants(process.pid)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("chromium")) sb.remember(pid);
    } catch {
      /* gone */
    }
  }
  const load = (url, expectItem) => async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const t0 = now();
      await page.goto(url);
      await page.locator(".jp-Launcher").first().waitFor({ timeout: 120_000 });
      const ms = now() - t0;
      // The extension really ran in the measured load (and never in the baseline).
      const items = await page.locator(".jlremote-StatusItem").count();
      if (expectItem ? items === 0 : items > 0)
        throw new Error(`status bar item ${expectItem ? "missing" : "present"}`);
      return ms;
    } finally {
      await context.close();
    }
  };
  let samples;
  try {
    samples = await interleave({ a: load(withUi, true), b: load(without, false) }, rounds, 2);
  } finally {
    await browser.close();
    for (const n of ["bench-lab-ui", "bench-lab-plain"])
      await timed(cli("stop", "--name", n), { env: sb.env, cwd: sb.rootDir, timeoutMs: 60_000 });
  }
  const a = median(samples.a);
  const b = median(samples.b);
  return [
    {
      id: "12",
      figure: "JupyterLab page load until the launcher shows, with jlremote's extension vs without (JLREMOTE_LAB_UI=0)",
      a,
      b,
      ratio: a / b,
      target: 1.05,
      n: rounds,
      samples,
    },
  ];
}
