import assert from "node:assert/strict";
import { test } from "node:test";
import { decidePort, type PortFacts, saidPortTaken } from "../../../src/core/port-decision.js";

const base: PortFacts = { port: 8888, portExplicit: false, everReady: false, holder: null, busy: false, moves: 0 };

test("a port held by someone else: move without --port, fail naming the holder with it; a busy port moves only on a first start", () => {
  const cases: [Partial<PortFacts>, string][] = [
    [{}, "keep"],
    [{ holder: "uid 65534, pid 42" }, "move"],
    [{ holder: "uid 65534, pid 42", everReady: true }, "move"],
    [{ holder: "uid 65534, pid 42", portExplicit: true }, "fail"],
    [{ holder: "uid 65534, pid 42", portExplicit: true, everReady: true }, "fail"],
    [{ busy: true }, "move"],
    [{ busy: true, everReady: true }, "keep"],
    [{ busy: true, portExplicit: true }, "keep"],
    [{ holder: "uid 1, pid 2", moves: 10 }, "keep"],
  ];
  for (const [change, want] of cases)
    assert.equal(decidePort({ ...base, ...change }).kind, want, JSON.stringify(change));
  const d = decidePort({ ...base, holder: "uid 65534, pid 42", portExplicit: true });
  assert.ok(
    d.kind === "fail" &&
      d.reason ===
        "port 8888 is held by another process (uid 65534, pid 42); jlremote sent it nothing. Free the port, or start without --port",
  );
});

test("Jupyter's own log line says the port was taken (jupyter_server and notebook wording); other ports and lines do not", () => {
  const cases: [string, number, boolean][] = [
    ["[I 2026-12-05 08:26:33.763 ServerApp] The port 8888 is already in use.", 8888, true],
    [
      "[C 2026-12-05 08:26:33.763 ServerApp] ERROR: the Jupyter server could not be started because port 8888 is not available.",
      8888,
      true,
    ],
    ["[I 17:01:02.345 NotebookApp] The port 8890 is already in use, trying another port.", 8890, true],
    [
      "[C 17:01:02.345 NotebookApp] ERROR: the notebook server could not be started because port 8890 is not available.",
      8890,
      true,
    ],
    ["[I 2026-12-05 08:26:33.763 ServerApp] The port 18888 is already in use.", 8888, false],
    ["[I 2026-12-05 08:26:33.763 ServerApp] The port 8888 is already in use.", 888, false],
    ["[I 2026-12-05 08:26:33.763 ServerApp] Jupyter Server 1.23.3 is running at: http://127.0.0.1:8888/", 8888, false],
    ["", 8888, false],
  ];
  for (const [line, port, want] of cases) assert.equal(saidPortTaken(line, port), want, `${port}: ${line}`);
});
