import assert from "node:assert/strict";
import test from "node:test";
import { chooseKind } from "../../../src/backends/choose.js";

test("chooses the backend from --scheduler first, then the service drop-in, then the recorded job", () => {
  const cases: [Parameters<typeof chooseKind>[0], string][] = [
    [{ serviceHere: false, recordedSlurm: false }, "detached"],
    [{ serviceHere: true, recordedSlurm: false }, "systemd"],
    [{ serviceHere: false, recordedSlurm: true }, "slurm"],
    [{ requested: "slurm", serviceHere: true, recordedSlurm: false }, "slurm"],
    [{ requested: "none", serviceHere: false, recordedSlurm: true }, "detached"],
    [{ requested: "none", serviceHere: true, recordedSlurm: true }, "systemd"],
  ];
  for (const [facts, want] of cases) assert.equal(chooseKind(facts), want, JSON.stringify(facts));
});

test("an unknown --scheduler is a usage error that names the choices", () => {
  assert.throws(
    () => chooseKind({ requested: "pbs", serviceHere: false, recordedSlurm: false }),
    /--scheduler pbs: expected slurm or none/,
  );
});
