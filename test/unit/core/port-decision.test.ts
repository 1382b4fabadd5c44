import assert from "node:assert/strict";
import { test } from "node:test";
import { decidePort, type PortFacts } from "../../../src/core/port-decision.js";

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
