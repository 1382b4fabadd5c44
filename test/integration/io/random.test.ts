import assert from "node:assert/strict";
import { test } from "node:test";
import { randomHex } from "../../../src/io/random.js";

test("randomHex gives 2n hex characters from the kernel's CSPRNG, never the same twice", () => {
  for (const n of [1, 16, 24, 32, 100]) {
    const a = randomHex(n);
    assert.match(a, new RegExp(`^[0-9a-f]{${2 * n}}$`));
    if (n >= 16) assert.notEqual(a, randomHex(n));
  }
  // Not all zero (a short read or an unfilled buffer would be).
  assert.notEqual(randomHex(32), "0".repeat(64));
});
