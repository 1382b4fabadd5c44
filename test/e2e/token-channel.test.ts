// The token reaches only Jupyter, through a 0600 --config file: not kernels, terminals, command lines or logs; and the
// user's Jupyter config can neither switch authentication off nor replace the token.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_TIMEOUT_MS, alive, descendantsOf, httpStatus, runCli, sandbox, waitFor } from "../helpers/cli.js";
import { debian, flavourArgs, flavours, jupyterlab4, type Flavour } from "../helpers/flavours.js";
import { cmdline, startKernel, status, writeUserConfig } from "../helpers/jupyter.js";

const debianNotebook: Flavour = { ...debian, id: "debian-notebook", app: "notebook" };
/** The three installs of the issue: jupyter_server 1.23, notebook 6.4, JupyterLab 4 (jupyter_server 2). */
const threeFlavours: readonly Flavour[] = [debian, debianNotebook, jupyterlab4];

function environ(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch {
    return "";
  }
}

function allCmdlines(): string[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map((p) => cmdline(Number(p)));
}

for (const f of flavours) {
  test(`${f.id}: no token in a kernel's or a terminal's environment, in any command line or log, also with --debug`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const sb = sandbox({ JUPYTER_TOKEN: "inherited-token-0123456789" });
    t.after(() => sb.cleanup());
    const r = await runCli(["start", ...flavourArgs(f), "--timeout", "150", "--", "--debug"], sb.env, {
      timeoutMs: 240_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const s = await status(sb);
    // A browser's visit with the token in the URL: Jupyter 1.x logs request URIs under --debug.
    assert.equal(await httpStatus(s.url), 200);
    const kernel = await startKernel(s.port as number, s.token, s.jupyterPid);
    const term = await fetch(`http://127.0.0.1:${s.port}/api/terminals`, {
      method: "POST",
      headers: { Authorization: `token ${s.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(term.status, 200, "terminals are available in this flavour");
    const shell = await waitFor(
      "terminal shell",
      () =>
        descendantsOf(s.jupyterPid).find(
          (p) => p !== kernel && !cmdline(p).includes("ipykernel") && /\b(ba|da)?sh\b/.test(cmdline(p)),
        ) ?? null,
    );
    for (const pid of [s.jupyterPid, kernel, shell]) {
      const env = environ(pid);
      assert.ok(env.length > 0, `environ of ${pid} readable`);
      assert.ok(!env.includes(s.token), `token in the environment of ${pid} (${cmdline(pid)})`);
      assert.ok(!env.includes("JUPYTER_TOKEN"), `JUPYTER_TOKEN in the environment of ${pid}`);
    }
    for (const c of allCmdlines()) assert.ok(!c.includes(s.token), `token in a command line: ${c}`);
    // Read every log once --debug logged the last request (the terminal's), the browser visit and kernel start before it.
    await waitFor("the terminal request in Jupyter's log", () =>
      /\b200 POST \/api\/terminals\b/.test(readFileSync(join(sb.stateDir(), "jupyter.log"), "utf8")),
    );
    for (const name of readdirSync(sb.stateDir()).filter((n) => n.includes(".log"))) {
      assert.ok(!readFileSync(join(sb.stateDir(), name), "utf8").includes(s.token), `token in ${name}`);
    }
    assert.match(readFileSync(join(sb.stateDir(), "jupyter.log"), "utf8"), /DEBUG|\[D /, "Jupyter ran with --debug");
    assert.equal(statSync(join(sb.stateDir(), "jupyter-config.py")).mode & 0o777, 0o600);
    assert.ok(alive(kernel));
  });
}

/** Settings in the user's config dir that try to switch the token off or set their own. */
const userConfigs = [
  "c.ServerApp.token = ''",
  "c.NotebookApp.token = ''",
  "c.IdentityProvider.token = ''",
  "c.ServerApp.token = 'fixed-token-of-the-user'\nc.NotebookApp.token = 'fixed-token-of-the-user'\nc.IdentityProvider.token = 'fixed-token-of-the-user'",
];

for (const f of threeFlavours) {
  for (const cfg of userConfigs) {
    test(`${f.id} (--app ${f.app}) with \`${cfg.split("\n")[0]}\`${cfg.includes("\n") ? " (all classes)" : ""} in the user's config: jlremote's token wins, nothing is open`, {
      timeout: E2E_TIMEOUT_MS,
      skip: f.skip,
    }, async (t) => {
      const sb = sandbox();
      t.after(() => sb.cleanup());
      // The base_url proves the user's file was read (a `--config` file alone would make Jupyter skip it).
      const witness =
        "c.ServerApp.base_url = '/m/'\nc.NotebookApp.base_url = '/m/'\nc.ServerApp.root_dir = '/'\nc.NotebookApp.notebook_dir = '/'";
      writeFileSync(join(sb.dir, "root-marker.txt"), "here");
      writeUserConfig(
        sb,
        ["jupyter_server_config.py", "jupyter_notebook_config.py", "jupyter_lab_config.py"],
        `${cfg}\n${witness}\n`,
      );
      const r = await runCli(["start", ...flavourArgs(f), "--timeout", "150"], sb.env, { timeoutMs: 240_000 });
      assert.equal(r.code, 0, r.stderr);
      const s = await status(sb);
      assert.equal(r.stdout.trim(), s.url);
      assert.equal(s.baseUrl, "/m/", "the user's config file was not loaded");
      const base = `http://127.0.0.1:${s.port}/m`;
      const printed = await httpStatus(s.url);
      assert.ok(printed === 200 || printed === 302, `printed URL answered ${printed}`);
      assert.equal(await httpStatus(`${base}/api/status`, { Authorization: `token ${s.token}` }), 200);
      // jlremote's root dir (the cwd of start here) beats the user's root_dir.
      assert.equal(
        await httpStatus(`${base}/api/contents/root-marker.txt`, { Authorization: `token ${s.token}` }),
        200,
      );
      for (const path of ["/api/status", "/api/contents", "/api/kernels"])
        assert.equal(await httpStatus(`${base}${path}`), 403, `${path} without a token`);
      assert.equal(
        await httpStatus(`${base}/api/contents`, { Authorization: "token fixed-token-of-the-user" }),
        403,
        "the user's fixed token opens it",
      );
      // jupyter_server's "/" (app server) is a static landing page for anyone; the lab and notebook pages need the token.
      if (f.app !== "server") {
        const page = await httpStatus(s.url.replace(/\?token=.*$/, ""));
        assert.ok(page === 302 || page === 403 || page === 401, `the app page without a token answered ${page}`);
      }
    });
  }
}

const openOrForeign: { f: Flavour; extra: string[]; message: RegExp }[] = [
  {
    f: debian,
    extra: ["--ServerApp.token="],
    message: /your Jupyter configuration disables authentication \(.*\): jlremote will not serve an open Jupyter/,
  },
  {
    f: debianNotebook,
    extra: ["--NotebookApp.token="],
    message: /disables authentication .*jlremote will not serve an open Jupyter/,
  },
  {
    f: jupyterlab4,
    extra: ["--IdentityProvider.token="],
    message: /disables authentication .*jlremote will not serve an open Jupyter/,
  },
  {
    f: debian,
    extra: ["--ServerApp.token=some-other-token"],
    message:
      /Jupyter refuses jlremote's token \(HTTP 403\): a configuration sets its own token.*jupyter-config-dir|Jupyter refuses jlremote's token \(HTTP 403\)/,
  },
  {
    f: jupyterlab4,
    extra: ["--IdentityProvider.token=some-other-token"],
    message: /Jupyter refuses jlremote's token \(HTTP 403\)/,
  },
];

for (const { f, extra, message } of openOrForeign) {
  test(`${f.id} with \`-- ${extra.join(" ")}\`: start fails with one clear line and nothing keeps running`, {
    timeout: E2E_TIMEOUT_MS,
    skip: f.skip,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    const r = await runCli(["start", ...flavourArgs(f), "--timeout", "150", "--", ...extra], sb.env, {
      timeoutMs: 240_000,
    });
    assert.equal(r.code, 1, r.stderr);
    const first = r.stderr.split("\n")[0] ?? "";
    assert.match(first, message);
    assert.match(first, new RegExp(sb.env.JUPYTER_CONFIG_DIR as string));
    assert.match(first, /jupyter --paths/);
    const s = await status(sb);
    assert.equal(s.state, "failed");
    const rec = JSON.parse(readFileSync(`${sb.stateDir()}/state.json`, "utf8")) as { supervisor: { pid: number } };
    await waitFor("supervisor gone", () => !alive(rec.supervisor.pid), 15_000);
    assert.equal(s.jupyterPid, null);
  });
}

test("the prologue's text is on no command line while it runs, and in no environment of Jupyter", {
  timeout: 180_000,
}, async (t) => {
  const sb = sandbox();
  t.after(() => sb.cleanup());
  mkdirSync(join(sb.env.XDG_CONFIG_HOME as string, "jlremote"), { recursive: true });
  writeFileSync(
    join(sb.env.XDG_CONFIG_HOME as string, "jlremote", "config.json"),
    JSON.stringify({ defaults: { prologue: "export API_KEY=prologue-secret-4242; sleep 1" } }),
    { mode: 0o600 },
  );
  const started = runCli(["start", "--app", "server"], sb.env, { timeoutMs: 120_000 });
  let done = false;
  void started.then(() => {
    done = true;
  });
  let seenPrologueShell = false;
  // A monitor, not a wait: every process's command line is sampled each 20 ms until `start` returns (bounded by
  // runCli's timeout); the prologue's `sleep 1` keeps its sh in view, and seenPrologueShell proves the scan saw it.
  while (!done) {
    for (const c of allCmdlines()) {
      assert.ok(!c.includes("prologue-secret"), `the prologue on a command line: ${c}`);
      if (c.includes("JLREMOTE_PROLOGUE")) seenPrologueShell = true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = await started;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(seenPrologueShell, "the prologue's sh was seen running (the scan proved something)");
  const s = await status(sb);
  const env = environ(s.jupyterPid);
  assert.match(env, /API_KEY=prologue-secret-4242/, "the prologue's exports reach Jupyter");
  assert.ok(!env.includes("JLREMOTE_PROLOGUE"), "the prologue's text is in Jupyter's environment");
});
