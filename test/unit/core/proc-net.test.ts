import assert from "node:assert/strict";
import { test } from "node:test";
import { judgeListeners, parseListeners, reaches127 } from "../../../src/core/proc-net.js";

const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:22B8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 1002 1 0000000000000000 100 0 0 10 0
   2: 0100007F:22B8 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 100 0 0 10 0
   3: 0200007F:22B9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0
`;
const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2002 1 0000000000000000 100 0 0 10 0
`;

test("only LISTEN entries are parsed, with port, uid and inode", () => {
  assert.deepEqual(parseListeners(tcp), [
    { address: "0100007F", port: 8888, uid: 0, inode: 1001 },
    { address: "00000000", port: 8080, uid: 65534, inode: 1002 },
    { address: "0200007F", port: 8889, uid: 0, inode: 1004 },
  ]);
  assert.equal(parseListeners(tcp6).length, 2);
  assert.deepEqual(parseListeners("header only\n"), []);
  // Without the header (only the LISTEN lines, as readListeners passes them), the first line counts too.
  assert.deepEqual(
    parseListeners(
      tcp
        .split("\n")
        .slice(1)
        .filter((l) => l.includes(" 0A "))
        .join("\n"),
    ),
    parseListeners(tcp),
  );
});

test("connections to 127.0.0.1 reach 127.0.0.1, 0.0.0.0, :: and ::ffff:127.0.0.1, not 127.0.0.2 or ::1", () => {
  const cases: [string, boolean][] = [
    ["0100007F", true],
    ["00000000", true],
    ["0200007F", false],
    ["00000000000000000000000000000000", true],
    ["0000000000000000FFFF00000100007F", true],
    ["00000000000000000000000001000000", false],
  ];
  for (const [address, want] of cases) assert.equal(reaches127({ address, port: 1, uid: 0, inode: 1 }), want, address);
});

test("a port is ours only when every listener reaching it is one of our sockets", () => {
  const all = [...parseListeners(tcp), ...parseListeners(tcp6)];
  const cases: [number, number[], ReturnType<typeof judgeListeners>][] = [
    [8888, [1001], { kind: "ours" }],
    [8888, [], { kind: "foreign", uid: 0, inode: 1001 }],
    [8080, [1001], { kind: "foreign", uid: 65534, inode: 1002 }],
    [8081, [], { kind: "foreign", uid: 1000, inode: 2001 }],
    [8082, [], { kind: "none" }],
    [8889, [], { kind: "none" }],
    [9999, [1001], { kind: "none" }],
  ];
  for (const [port, inodes, want] of cases)
    assert.deepEqual(judgeListeners(port, all, new Set(inodes)), want, String(port));
});

test("the most specific listener takes a connection to 127.0.0.1: the address, then 0.0.0.0, then [::]", () => {
  const l = (address: string, uid: number, inode: number) => ({ address, port: 8888, uid, inode });
  const mine = l("0100007F", 0, 1);
  const mineMapped = l("0000000000000000FFFF00000100007F", 0, 1);
  const anyV4Mine = l("00000000", 0, 1);
  const v6Decoy = l("00000000000000000000000000000000", 65534, 9);
  const v4AnyDecoy = l("00000000", 65534, 8);
  const exactDecoy = l("0100007F", 65534, 7);
  const cases: [string, ReturnType<typeof l>[], ReturnType<typeof judgeListeners>][] = [
    ["an IPv6-only [::] beside our 127.0.0.1", [mine, v6Decoy], { kind: "ours" }],
    ["an IPv6-only [::] beside our v4-mapped 127.0.0.1", [mineMapped, v6Decoy], { kind: "ours" }],
    ["an IPv6-only [::] beside our 0.0.0.0", [anyV4Mine, v6Decoy], { kind: "ours" }],
    ["a foreign 0.0.0.0 beside our 127.0.0.1 (the exact address wins)", [mine, v4AnyDecoy], { kind: "ours" }],
    ["a foreign 127.0.0.1 beside our 0.0.0.0", [anyV4Mine, exactDecoy], { kind: "foreign", uid: 65534, inode: 7 }],
    ["only a foreign [::] (dual-stack, or nothing answers)", [v6Decoy], { kind: "foreign", uid: 65534, inode: 9 }],
    ["nothing", [], { kind: "none" }],
  ];
  for (const [what, listeners, want] of cases)
    assert.deepEqual(judgeListeners(8888, listeners, new Set([1])), want, what);
});

test("a compute node's address: its own listener first, then the wildcards", () => {
  const node = { address: "0200000A", port: 9000, uid: 0, inode: 1 };
  const decoy = { address: "00000000000000000000000000000000", port: 9000, uid: 65534, inode: 2 };
  assert.deepEqual(judgeListeners(9000, [node, decoy], new Set([1]), "10.0.0.2"), { kind: "ours" });
  assert.deepEqual(judgeListeners(9000, [node], new Set([1]), "127.0.0.1"), { kind: "none" });
});
