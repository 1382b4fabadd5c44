import assert from "node:assert/strict";
import { test } from "node:test";
import { chosenAddress, externalIPv4, soleAddress } from "../../../src/core/cluster-address.js";

const lo = { address: "127.0.0.1", family: "IPv4", internal: true };
const lo6 = { address: "::1", family: "IPv6", internal: true };
const v4 = (address: string) => ({ address, family: "IPv4", internal: false });
const v6 = (address: string) => ({ address, family: "IPv6", internal: false });

test("the non-loopback IPv4 addresses, in the order listed (IPv6, loopback and a numeric family 6 left out)", () => {
  const cases: [Parameters<typeof externalIPv4>[0], string[]][] = [
    [{ lo: [lo, lo6] }, []],
    [{ lo: [lo], eth0: [v4("10.0.0.5"), v6("fe80::1")] }, ["10.0.0.5"]],
    [{ eth0: [v4("10.0.0.5")], ib0: [v4("192.168.7.5")], none: undefined }, ["10.0.0.5", "192.168.7.5"]],
    [
      {
        eth0: [
          { address: "10.1.1.1", family: 4, internal: false },
          { address: "fd00::2", family: 6, internal: false },
        ],
      },
      ["10.1.1.1"],
    ],
  ];
  for (const [ifaces, want] of cases) assert.deepEqual(externalIPv4(ifaces), want);
});

test("a single address needs no name lookup; several (an InfiniBand and an Ethernet network) or none do", () => {
  assert.equal(soleAddress(["10.0.0.5"]), "10.0.0.5");
  assert.equal(soleAddress(["10.0.0.5", "192.168.7.5"]), null);
  assert.equal(soleAddress([]), null);
});

test("after a lookup: the name's address unless loopback (Debian's 127.0.1.1), else the first listed, else none", () => {
  const cases: [string | null, string[], string | null][] = [
    ["192.168.7.5", ["10.0.0.5", "192.168.7.5"], "192.168.7.5"],
    ["127.0.1.1", ["10.0.0.5", "192.168.7.5"], "10.0.0.5"],
    [null, ["10.0.0.5", "192.168.7.5"], "10.0.0.5"],
    ["127.0.0.1", [], null],
    [null, [], null],
  ];
  for (const [resolved, external, want] of cases) assert.equal(chosenAddress(resolved, external), want, `${resolved}`);
});
