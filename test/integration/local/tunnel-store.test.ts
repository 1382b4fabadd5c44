import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { listTunnels, readTunnel, writeTunnel, type TunnelRecord } from "../../../src/local/tunnel-store.js";

const rec: TunnelRecord = {
  schema: 1,
  host: "h",
  name: "default",
  controlPath: "/cm/x",
  sshConfig: null,
  master: { pid: 1, startTime: 2, host: "laptop", bootId: "b" },
  localPort: 9000,
  target: { port: 8888 },
  app: "notebook",
  token: "secret",
  url: "http://127.0.0.1:9000/tree?token=secret",
  createdAt: "2026-01-01T00:00:00Z",
};

test("records are written 0600, read back, and listed; junk files are skipped", () => {
  const d = mkdtempSync(join(tmpdir(), "jll-store-"));
  try {
    writeTunnel(join(d, "a-default.json"), rec);
    writeFileSync(join(d, "b-default.json"), "{truncated");
    assert.equal(statSync(join(d, "a-default.json")).mode & 0o777, 0o600);
    assert.deepEqual(readTunnel(join(d, "a-default.json")), rec);
    assert.equal(readTunnel(join(d, "b-default.json")), null);
    assert.deepEqual(
      listTunnels(d).map((x) => x.record.host),
      ["h"],
    );
    assert.deepEqual(
      readdirSync(d).filter((f) => f.endsWith(".tmp")),
      [],
    );
    assert.deepEqual(listTunnels(join(d, "missing")), []);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
