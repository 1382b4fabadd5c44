import assert from "node:assert/strict";
import { test } from "node:test";
import { parkForNodeStart, unparkAfterNodeStart } from "../../../src/core/node-startup-env.js";

test("NODE_EXTRA_CA_CERTS is parked for the supervisor's start and put back unchanged; others are untouched", () => {
  const table: Record<string, string | undefined>[] = [
    { NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt", PATH: "/usr/bin" },
    { PATH: "/usr/bin" },
    { NODE_EXTRA_CA_CERTS: "", HOME: "/h" },
  ];
  for (const env of table) {
    const parked = parkForNodeStart(env);
    assert.equal(parked.NODE_EXTRA_CA_CERTS, undefined, JSON.stringify(env));
    assert.equal(parked.PATH, env.PATH);
    unparkAfterNodeStart(parked);
    assert.deepEqual(parked, env);
  }
});

test("a value set after parking wins over the parked one; the parked name never stays behind", () => {
  const env: Record<string, string | undefined> = {
    JLREMOTE_PARKED_NODE_EXTRA_CA_CERTS: "/old.pem",
    NODE_EXTRA_CA_CERTS: "/new.pem",
  };
  unparkAfterNodeStart(env);
  assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: "/new.pem" });
});
