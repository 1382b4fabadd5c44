import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkFilesystem,
  checkJupyter,
  checkNode,
  checkPort,
  checkStateDir,
  parseJupyterVersions,
  type CheckStatus,
  type JupyterObservation,
  type StateDirObservation,
} from "../../../src/core/doctor-checks.js";
import { doctorReport, renderDoctorText } from "../../../src/core/doctor-report.js";

test("node versions below 20.19 are a problem; 20.19 and later are ok", () => {
  const table: [string, CheckStatus][] = [
    ["20.19.0", "ok"],
    ["v20.20.2", "ok"],
    ["22.1.0", "ok"],
    ["20.18.3", "problem"],
    ["18.20.0", "problem"],
  ];
  for (const [v, want] of table) assert.equal(checkNode(v, "/usr/bin/node").status, want, v);
  assert.match(checkNode("18.0.0", "/n").hint ?? "", /Node\.js >= 20\.19/);
});

test("jupyter --version output is read into component versions, without the uninstalled ones", () => {
  const text =
    "Selected Jupyter core packages...\nIPython          : 8.5.0\njupyter_core     : 4.12.0\njupyter_server   : 1.23.3\njupyterlab       : not installed\nnotebook         : 6.4.12\n";
  assert.deepEqual(parseJupyterVersions(text), {
    IPython: "8.5.0",
    jupyter_core: "4.12.0",
    jupyter_server: "1.23.3",
    notebook: "6.4.12",
  });
  assert.deepEqual(parseJupyterVersions(""), {});
});

test("jupyter: missing, broken or without apps is a problem; server alone a warning; lab or notebook ok", () => {
  const found = {
    found: true as const,
    path: "/usr/bin/jupyter",
    runs: true,
    error: null,
    versions: { jupyter_core: "4.12.0", notebook: "6.4.12", jupyterlab: "4.2.0" },
  };
  const table: [JupyterObservation, CheckStatus, RegExp][] = [
    [{ found: false, name: "jupyter", searched: "/nonexistent" }, "problem", /no 'jupyter' on PATH \(\/nonexistent\)/],
    [
      { found: false, name: "/opt/conda/bin/jupyter", searched: "/usr/bin" },
      "problem",
      /^--jupyter \/opt\/conda\/bin\/jupyter is not an executable file$/,
    ],
    [
      { ...found, runs: false, error: "ModuleNotFoundError: No module named 'jupyter_core'", apps: ["lab"] },
      "problem",
      /does not run: ModuleNotFoundError/,
    ],
    [{ ...found, apps: [] }, "problem", /has none of lab, notebook, server/],
    [{ ...found, apps: ["server"] }, "warning", /no web UI/],
    [{ ...found, apps: ["notebook", "server"] }, "ok", /apps: notebook 6\.4\.12, server; --app auto picks notebook/],
    [
      { ...found, apps: ["lab", "notebook", "server"] },
      "ok",
      /\(jupyter_core 4\.12\.0\); apps: lab 4\.2\.0, .*picks lab/,
    ],
  ];
  for (const [o, status, re] of table) {
    const c = checkJupyter(o);
    assert.equal(c.status, status, c.message);
    assert.match(c.message, re);
    assert.equal(c.hint === null, status === "ok", c.message);
  }
  assert.match(checkJupyter(table[0]![0]).hint ?? "", /pip install --user jupyterlab.*--jupyter PATH/);
});

test("state dir: another owner or not writable is a problem, readable by others a warning, absent or private ok", () => {
  const base: StateDirObservation = {
    root: "/h/.local/state/jlremote",
    exists: true,
    uid: 1000,
    mode: 0o40700,
    myUid: 1000,
    writable: true,
    open: [],
    foreign: [],
  };
  const table: [Partial<StateDirObservation>, CheckStatus, RegExp][] = [
    [{}, "ok", /\(700, yours\)/],
    [{ exists: false, uid: null, mode: null }, "ok", /does not exist yet; `jlremote start` creates it/],
    [{ exists: false, uid: null, mode: null, writable: false }, "problem", /the parent of .* is not writable/],
    [{ uid: 0 }, "problem", /belongs to uid 0, not to you \(uid 1000\)/],
    [{ foreign: ["/h/.local/state/jlremote/x"] }, "problem", /instance dirs of another user/],
    [{ writable: false }, "problem", /is not writable/],
    [{ mode: 0o40755 }, "warning", /readable by others: \/h\/\.local\/state\/jlremote \(755\)/],
    [{ open: ["/h/.local/state/jlremote/default/state.json (644)"] }, "warning", /state\.json \(644\)/],
  ];
  for (const [over, status, re] of table) {
    const c = checkStateDir({ ...base, ...over });
    assert.equal(c.status, status, c.message);
    assert.match(c.message, re);
  }
  assert.match(checkStateDir({ ...base, uid: 0 }).hint ?? "", /XDG_STATE_HOME/);
  assert.match(checkStateDir({ ...base, mode: 0o40755 }).hint ?? "", /chmod -R go-rwx/);
});

test("port: the preferred or a next free one is ok; none free is a problem", () => {
  assert.equal(checkPort({ preferred: 8888, free: 8888, span: 100 }).status, "ok");
  const next = checkPort({ preferred: 8888, free: 8890, span: 100 });
  assert.equal(next.status, "ok");
  assert.match(next.message, /8888 is busy; `jlremote start` would take 8890/);
  const none = checkPort({ preferred: 8888, free: null, span: 100 });
  assert.equal(none.status, "problem");
  assert.match(none.message, /8888-8987/);
  assert.match(none.hint ?? "", /--sock/);
});

test("network filesystems are named and explained; local ones are just ok; an unreadable one is a warning", () => {
  const nfs = checkFilesystem({ path: "/home/u", type: 0x6969, error: null });
  assert.equal(nfs.status, "ok");
  assert.match(nfs.message, /on NFS: the start lock is an atomic mkdir .* elsewhere \(exit 4\)/);
  assert.match(nfs.hint ?? "", /XDG_STATE_HOME to a local directory/);
  assert.match(checkFilesystem({ path: "/g", type: 0x47504653, error: null }).message, /on GPFS/);
  assert.match(checkFilesystem({ path: "/l", type: 0x0bd00bd0, error: null }).message, /on Lustre/);
  const ext4 = checkFilesystem({ path: "/home/u", type: 0xef53, error: null });
  assert.deepEqual([ext4.status, ext4.hint], ["ok", null]);
  assert.equal(checkFilesystem({ path: "/x", type: null, error: "EACCES" }).status, "warning");
});

test("the report is ok unless a check is a problem, and its text has one line per check plus a summary", () => {
  const ok = { id: "a", status: "ok" as const, message: "fine", hint: null };
  const warn = { id: "b", status: "warning" as const, message: "hm", hint: "do x" };
  const bad = { id: "c", status: "problem" as const, message: "no", hint: "do y" };
  assert.deepEqual(doctorReport([ok, warn]), { schema: 1, ok: true, problems: 0, warnings: 1, checks: [ok, warn] });
  const r = doctorReport([ok, warn, bad]);
  assert.equal(r.ok, false);
  const lines = renderDoctorText(r);
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^ok {6}a {11}fine$/);
  assert.match(lines[2]!, /^problem c {11}no {2}→ do y$/);
  assert.equal(lines[3], "doctor: 1 problem, 1 warning");
  assert.equal(renderDoctorText(doctorReport([ok])).at(-1), "doctor: all good");
});
