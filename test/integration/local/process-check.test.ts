import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { identifyLocal, isSameLocal, signalIfSame, waitAllGone } from "../../../src/local/process-check.js";
import { killPid } from "../../helpers/cli.js";

for (const useProc of [true, false]) {
  test(`${useProc ? "/proc" : "ps (the macOS path)"}: a live process is identified, a changed start time is not it, and it is signalled only while it is itself`, async (t) => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    t.after(() => killPid(child.pid));
    const id = identifyLocal(child.pid as number, useProc);
    assert.ok(id);
    assert.equal(isSameLocal(id), true);
    assert.equal(isSameLocal({ ...id, startTime: id.startTime - 7 }), false);
    signalIfSame({ ...id, startTime: id.startTime - 7 }, "SIGTERM");
    assert.equal(await waitAllGone([id], 200), false, "a wrong identity is never signalled");
    signalIfSame(id, "SIGTERM");
    assert.equal(await waitAllGone([id], 5000), true);
    assert.equal(identifyLocal(child.pid as number, useProc), null);
  });
}
