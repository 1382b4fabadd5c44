import assert from "node:assert/strict";
import { test } from "node:test";
import { planForward, type ForwardPlan, type PreviousForward } from "../../../src/core/forward-plan.js";
import type { ForwardTarget } from "../../../src/core/ssh-command.js";

const tcp = (port: number): ForwardTarget => ({ port });
const prev = (localPort: number, target: ForwardTarget, onLiveMaster: boolean): PreviousForward => ({
  localPort,
  target,
  onLiveMaster,
});

test("planForward: keep, replace, or start afresh, and which ports to try", () => {
  const cases: [string, PreviousForward | null, ForwardTarget, number | undefined, ForwardPlan][] = [
    ["first run: the remote port", null, tcp(8890), undefined, { kind: "new", cancelFirst: null, ports: [8890] }],
    [
      "first run with --local-port: only that one",
      null,
      tcp(8890),
      9000,
      { kind: "new", cancelFirst: null, ports: [9000] },
    ],
    ["socket target: 8888 first", null, { socket: "/s" }, undefined, { kind: "new", cancelFirst: null, ports: [8888] }],
    [
      "same master, same target: keep",
      prev(9000, tcp(8890), true),
      tcp(8890),
      undefined,
      { kind: "keep", localPort: 9000 },
    ],
    [
      "same master, same port asked: keep",
      prev(9000, tcp(8890), true),
      tcp(8890),
      9000,
      { kind: "keep", localPort: 9000 },
    ],
    [
      "remote moved: cancel, then the old local port",
      prev(9000, tcp(8890), true),
      tcp(8891),
      undefined,
      { kind: "new", cancelFirst: prev(9000, tcp(8890), true), ports: [9000, 8891] },
    ],
    [
      "another port asked: cancel, then that one",
      prev(9000, tcp(8890), true),
      tcp(8890),
      9100,
      { kind: "new", cancelFirst: prev(9000, tcp(8890), true), ports: [9100] },
    ],
    [
      "master died: nothing to cancel, the old local port first",
      prev(9000, tcp(8890), false),
      tcp(8890),
      undefined,
      { kind: "new", cancelFirst: null, ports: [9000, 8890] },
    ],
    [
      "old local port equal to the remote port: tried once",
      prev(8890, tcp(8890), false),
      tcp(8890),
      undefined,
      { kind: "new", cancelFirst: null, ports: [8890] },
    ],
  ];
  for (const [what, p, target, wanted, expected] of cases)
    assert.deepEqual(planForward(p, target, wanted), expected, what);
});
