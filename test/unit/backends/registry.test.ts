import assert from "node:assert/strict";
import test from "node:test";
import { chooseKind, schedulerNamed, schedulerNames } from "../../../src/backends/registry.js";

test("chooses the backend from --scheduler first, then the service drop-in, then the recorded job", () => {
  const cases: [Parameters<typeof chooseKind>[0], string][] = [
    [{ serviceHere: false, recorded: null }, "detached"],
    [{ serviceHere: true, recorded: null }, "systemd"],
    [{ serviceHere: false, recorded: "slurm" }, "slurm"],
    [{ requested: "slurm", serviceHere: true, recorded: null }, "slurm"],
    [{ requested: "none", serviceHere: false, recorded: "slurm" }, "detached"],
    [{ requested: "none", serviceHere: true, recorded: "slurm" }, "systemd"],
  ];
  for (const [facts, want] of cases) assert.equal(chooseKind(facts), want, JSON.stringify(facts));
});

test("an unknown --scheduler is a usage error that names the choices", () => {
  assert.throws(
    () => chooseKind({ requested: "pbs", serviceHere: false, recorded: null }),
    /--scheduler pbs: expected slurm, sge or none/,
  );
});

test("the registry names every scheduler, in order, and only it (what --scheduler and profiles accept)", () => {
  assert.deepEqual(schedulerNames, ["slurm", "sge"]);
  assert.deepEqual(
    schedulerNames.map((n) => schedulerNamed(n).name),
    ["slurm", "sge"],
  );
});
