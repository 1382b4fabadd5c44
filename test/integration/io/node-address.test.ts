// A batch job's listen address on a real network stack: a network, UTS and mount namespace of the test's own, with a
// veth pair per IPv4 address (one or two), a host name and an /etc/hosts bound over the real one (root only).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const MODULE = resolve(import.meta.dirname, "../../../src/io/node-address.ts");
const skip = process.getuid?.() === 0 ? false : "network namespaces need root";

/** clusterAddress() in a fresh namespace whose addresses are `addresses` and whose host name resolves to `resolves`. */
function addressIn(addresses: string[], resolves: string): string {
  const dir = mkdtempSync(join(tmpdir(), "jlr-addr-"));
  try {
    const hosts = join(dir, "hosts");
    writeFileSync(hosts, `127.0.0.1 localhost\n${resolves} jlrnode\n`);
    const script = join(dir, "probe.mjs");
    writeFileSync(
      script,
      `import { clusterAddress } from ${JSON.stringify(MODULE)};\nprocess.stdout.write(await clusterAddress());\n`,
    );
    const setup = [
      "set -e",
      "ip link set lo up",
      // One veth pair per address (both ends up, so the link carries), made in order: interfaces are listed by index.
      ...addresses.flatMap((a, i) => [
        `ip link add jlr${i}a type veth peer name jlr${i}b`,
        `ip link set jlr${i}b up`,
        `ip link set jlr${i}a up`,
        `ip addr add ${a}/24 dev jlr${i}a`,
      ]),
      "hostname jlrnode",
      `mount --bind ${hosts} /etc/hosts`,
      // libuv lists only running interfaces: wait for the carrier (/sys shows the first namespace's devices).
      ...addresses.map(
        (_, i) => `for _ in $(seq 100); do ip -o link show jlr${i}a | grep -q LOWER_UP && break; sleep 0.05; done`,
      ),
      `exec "${process.execPath}" --import tsx ${script}`,
    ].join("\n");
    const r = spawnSync("unshare", ["--net", "--uts", "--mount", "--propagation", "private", "sh", "-c", setup], {
      encoding: "utf8",
      timeout: 30_000,
      cwd: resolve(import.meta.dirname, "../../.."),
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("one non-loopback address is the address, whatever the host name resolves to", { skip }, () => {
  assert.equal(addressIn(["10.251.1.1"], "10.251.9.9"), "10.251.1.1");
});

test("with two addresses the host name decides; resolving to loopback, the first listed is taken", { skip }, () => {
  assert.equal(addressIn(["10.251.1.1", "10.251.2.1"], "10.251.2.1"), "10.251.2.1");
  assert.equal(addressIn(["10.251.1.1", "10.251.2.1"], "127.0.1.1"), "10.251.1.1");
});
