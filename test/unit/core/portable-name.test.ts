import assert from "node:assert/strict";
import { test } from "node:test";
import { isInstanceName, portable } from "../../../src/core/portable-name.js";

const samples = [
  "",
  "default",
  "a",
  "A-b_c.9",
  "_x",
  ".hidden",
  "-dash",
  "9lives",
  "a".repeat(64),
  "a".repeat(65),
  "sp ace",
  "sl/ash",
  "t\tab",
  "nl\n",
  "ünï",
  "emoji😀",
  "v20.20.2",
  "x64",
  "a:b",
  "a~b",
  "a@b",
];

test("portable() replaces what /[^A-Za-z0-9._-]/g replaces", () => {
  for (const s of samples) assert.equal(portable(s), s.replace(/[^A-Za-z0-9._-]/g, "_"), JSON.stringify(s));
});

test("isInstanceName() accepts what /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/ accepts", () => {
  for (const s of samples)
    assert.equal(isInstanceName(s), /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(s), JSON.stringify(s));
});
