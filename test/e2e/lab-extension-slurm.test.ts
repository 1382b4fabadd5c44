// jlremote's JupyterLab extension in a Slurm batch job (test cluster, JupyterLab 4 venv, headless Debian Chromium):
// the status bar counts the job's time down, and the walltime warning saves a notebook edited in the page.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { artifactsDir } from "../helpers/browser.js";
import { runCli, sandbox, waitFor } from "../helpers/cli.js";
import { flavourArgs, jupyterlab4 } from "../helpers/flavours.js";
import { type OpenBrowser, openBrowser } from "../helpers/lab-page.js";
import { type Cluster, cancelRecordedJobs, clusterUp, slurmSkip } from "../helpers/slurm.js";

const notebook = {
  cells: [{ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: "a = 1" }],
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  nbformat: 4,
  nbformat_minor: 5,
};
const statusRe = /^jlremote: job (\d+) on node1 · (\d+):(\d\d) left$/;

let cluster: Cluster;
before(() => {
  if (!slurmSkip && !jupyterlab4.skip) cluster = clusterUp();
});
after(() => cluster?.down());

test("Slurm job with -t 3 --time-warning 150: the status bar counts down; the warning saves the notebook edited in the page and says so", {
  skip: slurmSkip || jupyterlab4.skip,
  timeout: 300_000,
}, async (t) => {
  const sb = sandbox();
  const env = { ...sb.env, ...cluster.env };
  // One hook, the browser first: its profile is in the sandbox, and a hook that throws skips the ones after it.
  let browser: OpenBrowser | undefined;
  t.after(async () => {
    await browser?.close();
    await cancelRecordedJobs(cluster, join(sb.env.XDG_STATE_HOME as string, "jlremote"));
    await sb.cleanup();
  });
  const file = join(sb.dir, "work.ipynb");
  writeFileSync(file, JSON.stringify(notebook));
  const r = await runCli(
    [
      "start",
      "--scheduler",
      "slurm",
      ...flavourArgs(jupyterlab4),
      "--root-dir",
      sb.dir,
      "--sbatch",
      "-t 3",
      "--time-warning",
      "150",
    ],
    env,
    { timeoutMs: 120_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const url = new URL(r.stdout.trim());
  browser = await openBrowser(sb.dir);
  const page = browser.page;
  await page.goto(`${url.origin}/lab/tree/work.ipynb${url.search}`);
  const editor = page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first();
  await editor.waitFor();
  // Edit without saving: the document is dirty, the file on disk still has `a = 1` alone.
  await editor.click();
  await page.keyboard.press("End");
  await page.keyboard.type("  # edited in the page");
  assert.doesNotMatch(readFileSync(file, "utf8"), /edited in the page/);

  const item = page.locator(".jlremote-StatusItem");
  const left = async () => {
    const m = statusRe.exec(((await item.textContent()) ?? "").trim());
    return m ? Number(m[2]) * 60 + Number(m[3]) : null;
  };
  const first = await waitFor("the status bar item with the job's time left", left, 60_000, 200);
  assert.ok(first <= 180, String(first));
  await waitFor("the time left counting down", async () => ((await left()) ?? first) < first, 10_000, 200);

  const notice = page.locator(".jp-Notification-Toast-warning", { hasText: "walltime): all notebooks saved" });
  await waitFor(
    "the edit saved by a walltime notice",
    async () =>
      readFileSync(file, "utf8").includes("edited in the page") &&
      (await notice.filter({ hasText: "(1 file)" }).count()) > 0,
    150_000,
    500,
  );
  const text = (await notice.filter({ hasText: "(1 file)" }).first().textContent()) ?? "";
  assert.match(text, /Job \d+ ends at \d\d:\d\d \(in [1-3] min, walltime\): all notebooks saved \(1 file\)/);
  // Slurm's warning (USR1) reached the supervisor, and the job still runs: saved before it ended.
  const s = await waitFor(
    "the walltime warning in status",
    async () => {
      const x = JSON.parse((await runCli(["status", "--json"], env)).stdout) as {
        state: string;
        walltimeWarningAt?: string | null;
        job?: { walltimeWarningAt?: string | null };
      };
      return (x.walltimeWarningAt ?? x.job?.walltimeWarningAt) ? x : null;
    },
    60_000,
    1000,
  );
  assert.equal(s.state, "running", "saved before the job ended");
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, "lab-extension-walltime.png") });
  // The same in the dark theme (JupyterLab's own variables style the item and the notice).
  await page.locator(".lm-MenuBar-itemLabel", { hasText: "Settings" }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Theme$/ }).hover();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^JupyterLab Dark$/ }).click();
  await page.locator("body[data-jp-theme-light='false']").waitFor({ state: "attached", timeout: 30_000 });
  await page.screenshot({ path: join(artifactsDir, "lab-extension-walltime-dark.png") });
});
