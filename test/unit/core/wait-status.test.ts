import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeWaitStatus } from "../../../src/core/wait-status.js";

const rows: [string, number, { code: number | null; signal: number | null }][] = [
  ["exit 0", 0, { code: 0, signal: null }],
  ["exit 1", 0x100, { code: 1, signal: null }],
  ["exit 255", 0xff00, { code: 255, signal: null }],
  ["SIGTERM", 15, { code: null, signal: 15 }],
  ["SIGKILL", 9, { code: null, signal: 9 }],
  ["SIGSEGV with a core dump", 0x80 | 11, { code: null, signal: 11 }],
];

for (const [name, raw, want] of rows)
  test(`wait status: ${name}`, () => {
    assert.deepEqual(decodeWaitStatus(raw), want);
  });
