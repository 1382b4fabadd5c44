import assert from "node:assert/strict";
import { test } from "node:test";
import { renderEventLine } from "../../../src/core/log-render.js";

test("a pino event renders as time, level, message and extra fields", () => {
  const line = JSON.stringify({
    level: 40,
    time: "2026-01-01T00:00:00Z",
    pid: 1,
    msg: "restarting jupyter",
    delayMs: 0,
  });
  assert.equal(renderEventLine(line), "2026-01-01T00:00:00Z warn restarting jupyter delayMs=0");
});

test("a non-JSON line passes through", () => {
  assert.equal(renderEventLine("plain text"), "plain text");
});
