import assert from "node:assert/strict";
import { test } from "node:test";
import { describeSshFailure, lastMeaningfulLine } from "../../../src/core/ssh-errors.js";

test("each ssh failure becomes one line with ssh's words and a hint", () => {
  const cases: [string, RegExp][] = [
    [
      "ssh: Could not resolve hostname nope: Name or service not known",
      /Could not resolve hostname nope.*; check the host name/,
    ],
    ["ssh: connect to host 10.0.0.1 port 22: Connection refused", /Connection refused; is sshd running/],
    ["ssh: connect to host 10.0.0.1 port 22: Connection timed out", /timed out; is the host reachable/],
    ["me@h: Permission denied (publickey,password).", /Permission denied \(publickey,password\)\.; check your key/],
    [
      "@@@@\nWARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!\nHost key verification failed.",
      /Host key verification failed\.; the host key/,
    ],
  ];
  for (const [stderr, re] of cases) {
    const msg = describeSshFailure("h", 255, stderr);
    assert.match(msg, /^cannot connect to h: /);
    assert.match(msg, re);
    assert.ok(!msg.includes("\n"));
  }
});

test("known-hosts notes are skipped and an empty stderr still says something", () => {
  assert.equal(
    lastMeaningfulLine("real problem\nWarning: Permanently added 'x' (ED25519) to the list of known hosts.\n"),
    "real problem",
  );
  assert.equal(describeSshFailure("h", 255, ""), "cannot connect to h: ssh exited with code 255");
});
