import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { sha256Hex } from "../../../src/core/sha256.js";

test("sha256Hex equals node:crypto's SHA-256 on empty, short, block-boundary, long and non-ASCII input", () => {
  const inputs = [
    "",
    "abc",
    "me@cluster",
    "jlr-test",
    "x".repeat(55),
    "x".repeat(56),
    "y".repeat(64),
    "z".repeat(1000),
    "hôte-ünïcode-☃",
  ];
  for (const s of inputs) assert.equal(sha256Hex(s), createHash("sha256").update(s).digest("hex"), JSON.stringify(s));
});
