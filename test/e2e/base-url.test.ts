// A user's base_url (in their Jupyter config) is honoured: the printed URL, the readiness and health probes and
// status all use the base_url Jupyter's runtime info file reports.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, freePort, httpStatus, runCli, sandbox, waitFor } from "../helpers/cli.js";
import { debian, flavourArgs, jupyterlab4, type Flavour } from "../helpers/flavours.js";
import { status, writeUserConfig } from "../helpers/jupyter.js";

/** A request line of Jupyter's --debug log for an answered GET of /jl/api/status. */
const probeLine = /\b200 GET \/jl\/api\/status\b/g;

const cases: { f: Flavour; line: string }[] = [
  { f: debian, line: "c.ServerApp.base_url = '/jl/'" },
  { f: { ...debian, id: "debian-notebook", app: "notebook" }, line: "c.NotebookApp.base_url = '/jl/'" },
  { f: jupyterlab4, line: "c.ServerApp.base_url = '/jl/'" },
];

for (const { f, line } of cases) {
  test(`${f.id} (--app ${f.app}) with \`${line}\`: the URL, the probes and status use /jl/, also after a crash`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    writeUserConfig(sb, ["jupyter_server_config.py", "jupyter_notebook_config.py"], `${line}\n`);
    // An explicit port: tests running in parallel must not take it during the crash restart (jlremote would move).
    const r = await runCli(
      [
        "start",
        ...flavourArgs(f),
        "--timeout",
        "150",
        "--port",
        String(await freePort()),
        "--health-interval",
        "1",
        "--health-retries",
        "3",
        // Jupyter's --debug logs every request, the supervisor's health probes included.
        "--",
        "--debug",
      ],
      sb.env,
      { timeoutMs: 240_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const s = await status(sb);
    assert.equal(s.baseUrl, "/jl/");
    assert.match(r.stdout.trim(), new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/jl/(lab|tree)?\\?token=`));
    const page = await httpStatus(s.url);
    assert.ok(page === 200 || page === 302, `printed URL answered ${page}`);
    assert.equal(
      await httpStatus(`http://127.0.0.1:${s.port}/jl/api/status`, { Authorization: `token ${s.token}` }),
      200,
    );
    // Health probes every second against /jl/api/status (a wrong path would count as hung and restart it): three
    // more answered in Jupyter's log, and none failed in the supervisor's.
    const probes = () => (readFileSync(join(sb.stateDir(), "jupyter.log"), "utf8").match(probeLine) ?? []).length;
    const seen = probes();
    await waitFor("three more health probes answered", () => probes() >= seen + 3, 30_000);
    assert.doesNotMatch(readFileSync(join(sb.stateDir(), "supervisor.log"), "utf8"), /health probe failed/);
    const later = await status(sb);
    assert.equal(later.state, "running");
    assert.equal(later.restarts, 0);
    assert.equal(later.jupyterPid, s.jupyterPid);
    process.kill(s.jupyterPid, "SIGKILL");
    const back = await waitFor(
      "running again",
      async () => {
        const x = await status(sb);
        return x.state === "running" && x.jupyterPid !== s.jupyterPid ? x : null;
      },
      60_000,
    );
    assert.equal(back.url, s.url);
    assert.equal(back.baseUrl, "/jl/");
  });
}
