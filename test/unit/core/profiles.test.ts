import assert from "node:assert/strict";
import { test } from "node:test";
import { parseProfile, withProfile } from "../../../src/core/profiles.js";

/** The registered scheduler names (src/backends/registry.ts), as core's validators are given them. */
const known = ["slurm", "sge"];

test("parseProfile: start options and Slurm options; errors name the file, key and value", () => {
  assert.deepEqual(
    parseProfile(
      { rootDir: "~/p", port: 9000, scheduler: "slurm", sbatch: "-p gpu -t 4:00:00", timeWarning: 300, requeue: true },
      "/c.json",
      "gpu",
      known,
    ),
    {
      settings: { rootDir: "~/p", port: 9000 },
      scheduler: "slurm",
      sbatch: "-p gpu -t 4:00:00",
      timeWarning: 300,
      requeue: true,
    },
  );
  const cases: [unknown, RegExp][] = [
    [[], /\/c\.json: profiles\.gpu: \[\]: expected an object of start options$/],
    [{ scheduler: "pbs" }, /\/c\.json: profiles\.gpu\.scheduler: "pbs": expected slurm, sge or none$/],
    [{ sbatch: 42 }, /profiles\.gpu\.sbatch: 42: expected the sbatch options as one string/],
    [{ timeWarning: -1 }, /profiles\.gpu\.timeWarning: -1: expected whole seconds from 0 to 65535/],
    [{ requeue: "yes" }, /profiles\.gpu\.requeue: "yes": expected true or false/],
    [{ port: "http" }, /profiles\.gpu\.port: "http": expected a port number/],
    [
      { prologue: "module load x" },
      /profiles\.gpu\.prologue: unknown option; known: .*sbatch.*\(env and prologue go in defaults or instances\)/,
    ],
  ];
  for (const [v, re] of cases) assert.throws(() => parseProfile(v, "/c.json", "gpu", known), re, JSON.stringify(v));
});

test("an sbatch list keeps each word whole", async () => {
  const { shellWords } = await import("../../../src/core/shell-words.js");
  const p = parseProfile({ sbatch: ["-p", "gpu", "--comment=it's a test", "--mem=1G"] }, "/c", "x", known);
  assert.deepEqual(shellWords(p.sbatch as string), ["-p", "gpu", "--comment=it's a test", "--mem=1G"]);
});

test("withProfile fills in only what the command line did not give", () => {
  const p = parseProfile(
    {
      rootDir: "/p",
      app: "lab",
      extraArgs: ["--debug"],
      scheduler: "slurm",
      sbatch: "-p gpu",
      timeWarning: 120,
      requeue: true,
    },
    "/c",
    "x",
    known,
  );
  assert.deepEqual(withProfile({ name: "n", extraArgs: [] }, p), {
    name: "n",
    rootDir: "/p",
    app: "lab",
    extraArgs: ["--debug"],
    scheduler: "slurm",
    sbatch: "-p gpu",
    timeWarning: 120,
    requeue: true,
  });
  assert.deepEqual(
    withProfile(
      {
        name: "n",
        app: "server",
        extraArgs: ["--x"],
        scheduler: "none",
        sbatch: "-p cpu",
        timeWarning: "60",
        requeue: false,
      },
      p,
    ),
    {
      name: "n",
      app: "server",
      extraArgs: ["--x"],
      scheduler: "none",
      sbatch: "-p cpu",
      timeWarning: "60",
      requeue: true,
      rootDir: "/p",
    },
  );
});
