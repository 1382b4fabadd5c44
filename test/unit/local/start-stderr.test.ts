import assert from "node:assert/strict";
import { test } from "node:test";
import { earlyTargetLine } from "../../../src/core/early-target.js";
import type { ForwardTarget } from "../../../src/core/ssh-command.js";
import { startStderr } from "../../../src/local/start-stderr.js";

test("the first early line goes to `early` once, even split across chunks; later ones and errors are not said", () => {
  const told: ForwardTarget[] = [];
  const said: string[] = [];
  const h = startStderr("h", false, (t) => told.push(t), { err: (l) => said.push(l) });
  assert.ok(h);
  const line = `${earlyTargetLine({ socket: "/s/jupyter.sock" })}\n`;
  h(line.slice(0, 10));
  h(`${line.slice(10)}jlremote: Jupyter did not start: x\n`);
  h(`${earlyTargetLine({ port: 9 })}\n`);
  assert.deepEqual(told, [{ socket: "/s/jupyter.sock" }]);
  assert.deepEqual(said, []);
});

test("a queued start relays its progress lines only; no handler when nothing is read as it comes", () => {
  const said: string[] = [];
  const h = startStderr("login", true, undefined, { err: (l) => said.push(l) });
  assert.ok(h);
  h("jlremote: job 42: PENDING (Priority), 3 s\njlremote: some error\nsubmitted batch job 43 on x\n");
  assert.deepEqual(said, [
    "jllocal: login: job 42: PENDING (Priority), 3 s",
    "jllocal: login: submitted batch job 43 on x",
  ]);
  assert.equal(startStderr("h", false, undefined, { err: () => {} }), undefined);
});
