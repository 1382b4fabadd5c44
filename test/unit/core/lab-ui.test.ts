import assert from "node:assert/strict";
import { test } from "node:test";
import { notLoadedReason } from "../../../src/core/kernel-adoption.js";
import { browserUi, labUiConfig, uiBackend } from "../../../src/core/lab-ui.js";

test("the lab extension is loaded from jlremote's folder and its view reads the state file", () => {
  assert.deepEqual(
    labUiConfig({ labextensionsDir: "/opt/jl/dist/labextension", stateFile: "/s/state.json", backend: "slurm" }),
    {
      LabServerApp: { extra_labextensions_path: ["/opt/jl/dist/labextension"] },
      JlremoteStatus: { state: "/s/state.json", backend: "slurm" },
    },
  );
});

test("the backend is the scheduler for a batch job, systemd under a service, detached otherwise", () => {
  assert.equal(uiBackend({ scheduler: "slurm" }, { INVOCATION_ID: "x" }), "slurm");
  assert.equal(uiBackend({ scheduler: "sge" }, {}), "sge");
  assert.equal(uiBackend({}, { INVOCATION_ID: "abc" }), "systemd");
  assert.equal(uiBackend({}, {}), "detached");
});

test("status says there is no browser UI when Jupyter did not load the server extension (notebook 6)", () => {
  const adoption = { supported: false, reason: notLoadedReason, at: null, adopted: [], failed: [] };
  assert.equal(browserUi("notebook", adoption)?.available, false);
  assert.match(browserUi("notebook", adoption)?.reason ?? "", /notebook 6/);
  assert.deepEqual(browserUi("lab", { ...adoption, supported: true, reason: null }), { available: true, reason: null });
  assert.equal(browserUi("lab", null), null);
  assert.equal(browserUi("server", null)?.available, false);
});
