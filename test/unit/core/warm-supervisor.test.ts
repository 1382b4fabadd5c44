import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decodeGo,
  earlyKeeperFits,
  encodeGo,
  isWarmArgv,
  keeperJupyter,
  sameSpawnEnv,
  supervisorSpawnEnv,
  warmArgsFor,
} from "../../../src/core/warm-supervisor.js";

test("a warm supervisor only for a start that will likely spawn one here; its name only when plain", () => {
  const table: [string[], string[] | null][] = [
    [["start"], ["run", "--warm"]],
    [
      ["start", "--name", "lab", "--json"],
      ["run", "--warm", "--name", "lab"],
    ],
    [
      ["start", "--name=lab"],
      ["run", "--warm", "--name", "lab"],
    ],
    [
      ["start", "--name", "--evil"],
      ["run", "--warm"],
    ],
    [
      ["start", "--name", "a b"],
      ["run", "--warm"],
    ],
    [
      ["start", "--name", "lab", "--jupyter", "/v/bin/jupyter"],
      ["run", "--warm", "--name", "lab", "--jupyter", "/v/bin/jupyter"],
    ],
    [
      ["start", "--jupyter=/v/bin/jupyter lab"],
      ["run", "--warm", "--jupyter", "/v/bin/jupyter lab"],
    ],
    [
      ["start", "--jupyter", "--evil"],
      ["run", "--warm"],
    ],
    [["start", "--scheduler", "slurm"], null],
    [["start", "--scheduler=sge"], null],
    [["start", "--profile", "gpu"], null],
    [["start", "--help"], null],
    [["start", "-h"], null],
    [["start", "--version"], null],
    // Words after -- are Jupyter's: a --scheduler there is not start's.
    [
      ["start", "--", "--scheduler"],
      ["run", "--warm"],
    ],
    [["status", "--json"], null],
    [["run", "--name", "x"], null],
    [[], null],
  ];
  for (const [argv, want] of table) assert.deepEqual(warmArgsFor(argv), want, argv.join(" "));
});

test("the warm argv is recognised; nothing else is", () => {
  assert.equal(isWarmArgv(["run", "--warm", "--name", "x"]), true);
  assert.equal(isWarmArgv(["run", "--warm"]), true);
  assert.equal(isWarmArgv(["run", "--name", "x", "--warm"]), false);
  assert.equal(isWarmArgv(["start", "--warm"]), false);
});

test("the go line round-trips; anything else (EOF, junk, not a run, a relative dir) is no go", () => {
  const go = { argv: ["run", "--name", "x", "--sock", "--daemon-child"], cwd: "/home/u/work" };
  assert.deepEqual(decodeGo(encodeGo(go)), go);
  assert.equal(encodeGo(go).endsWith("\n"), true);
  const bad = [
    "",
    "\n",
    "{",
    "null",
    '"run"',
    '{"argv":["start"],"cwd":"/"}',
    '{"argv":["run",1],"cwd":"/"}',
    '{"argv":"run","cwd":"/"}',
    '{"argv":["run"],"cwd":"work"}',
    '{"argv":["run"]}',
  ];
  for (const text of bad) assert.equal(decodeGo(text), null, text);
  // Only the first line counts.
  assert.deepEqual(decodeGo(`${JSON.stringify(go)}\n{"argv":["run"],"cwd":"/x"}\n`), go);
});

test("the supervisor's spawn env drops jllocal's flags and the instance marker, and parks NODE_EXTRA_CA_CERTS", () => {
  const env = {
    PATH: "/usr/bin",
    JLREMOTE_INSTANCE: "other",
    JLREMOTE_CANCEL_ON_EOF: "1",
    JLREMOTE_LISTEN_DEFAULT: "socket",
    JLREMOTE_EARLY_TARGET: "1",
    NODE_EXTRA_CA_CERTS: "/ca.pem",
  };
  assert.deepEqual(supervisorSpawnEnv(env), { PATH: "/usr/bin", JLREMOTE_PARKED_NODE_EXTRA_CA_CERTS: "/ca.pem" });
  assert.equal(env.JLREMOTE_INSTANCE, "other", "the caller's env is not changed");
});

test("spawn environments compare by the variables a child gets", () => {
  assert.equal(sameSpawnEnv({ A: "1", B: undefined }, { A: "1" }), true);
  assert.equal(sameSpawnEnv({ A: "1", B: "2" }, { B: "2", A: "1" }), true);
  assert.equal(sameSpawnEnv({ A: "1" }, { A: "2" }), false);
  assert.equal(sameSpawnEnv({ A: "1" }, { A: "1", B: "" }), false);
});

test("the keeper started ahead is used only for the same Python and script", () => {
  const early = { python: "/usr/bin/python3", script: "/opt/jlr/dist/python/jlremote_keeper.py" };
  const table: [string, string, boolean][] = [
    ["/usr/bin/python3", "/opt/jlr/dist/python/jlremote_keeper.py", true],
    // The options name another install's Jupyter (a conda env, a venv): its Python runs the keeper.
    ["/opt/conda/bin/python3.12", "/opt/jlr/dist/python/jlremote_keeper.py", false],
    ["python3", "/opt/jlr/dist/python/jlremote_keeper.py", false],
    // Another bundle (an upgrade between the warm spawn and the go line).
    ["/usr/bin/python3", "/home/u/.local/share/jlremote/dist/python/jlremote_keeper.py", false],
  ];
  for (const [python, script, fits] of table)
    assert.equal(earlyKeeperFits(early, python, script), fits, `${python} ${script}`);
});

test("a supervisor's run argv names its keeper's Jupyter (`jupyter` when none); another argv names none", () => {
  const rows: [string[], string | null][] = [
    [["run", "--name", "x", "--jupyter", "/v/bin/jupyter", "--app", "lab"], "/v/bin/jupyter"],
    [["run", "--jupyter=/v/bin/jupyter"], "/v/bin/jupyter"],
    [["run", "--name", "x"], "jupyter"],
    [["run", "--name", "x", "--", "--jupyter", "/not/ours"], "jupyter"],
    [["run", "--jupyter"], "jupyter"],
    [["run", "--warm", "--name", "x"], "jupyter"],
    [["run", "--warm", "--name", "x", "--jupyter", "/v/bin/jupyter"], "/v/bin/jupyter"],
    [["start", "--jupyter", "/v/bin/jupyter"], null],
    [[], null],
  ];
  for (const [argv, want] of rows) assert.equal(keeperJupyter(argv), want, argv.join(" "));
});
