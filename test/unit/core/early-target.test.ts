import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EARLY_TARGET_PREFIX,
  earlyTargetLine,
  parseEarlyTarget,
  withoutEarlyLines,
} from "../../../src/core/early-target.js";
import type { ForwardTarget } from "../../../src/core/ssh-command.js";

test("an early line reads back as the target it was made from", () => {
  const targets: ForwardTarget[] = [
    { socket: "/home/u/.local/state/jlremote/default/jupyter.sock" },
    { port: 8888 },
    { port: 8890, host: "10.77.0.2" },
  ];
  for (const t of targets) assert.deepEqual(parseEarlyTarget(earlyTargetLine(t)), t);
});

test("lines that are not a well-formed early line give no target", () => {
  const cases: [string, string][] = [
    ["jlremote: warning: something", "another stderr line"],
    [`${EARLY_TARGET_PREFIX}{not json`, "broken JSON"],
    [`${EARLY_TARGET_PREFIX}null`, "not an object"],
    [`${EARLY_TARGET_PREFIX}{"socket":"relative.sock"}`, "a relative socket path"],
    [`${EARLY_TARGET_PREFIX}{"port":0}`, "port 0"],
    [`${EARLY_TARGET_PREFIX}{"port":70000}`, "a port out of range"],
    [`${EARLY_TARGET_PREFIX}{"port":"8888"}`, "a port as a string"],
    [`${EARLY_TARGET_PREFIX}{"port":8888,"host":"a b"}`, "a host with a space"],
    [`x ${EARLY_TARGET_PREFIX}{"port":8888}`, "not at the line's start"],
  ];
  for (const [line, why] of cases) assert.equal(parseEarlyTarget(line), null, why);
});

test("stderr without the early lines keeps every other line as it was", () => {
  const early = earlyTargetLine({ socket: "/s/jupyter.sock" });
  assert.equal(
    withoutEarlyLines(`${early}\njlremote: Jupyter did not start: x\n  detail\n`),
    "jlremote: Jupyter did not start: x\n  detail\n",
  );
  assert.equal(withoutEarlyLines("a\nb"), "a\nb");
  assert.equal(withoutEarlyLines(`${early}\n`), "");
});
