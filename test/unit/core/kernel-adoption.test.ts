import assert from "node:assert/strict";
import { test } from "node:test";
import {
  adoptionConfig,
  adoptionRecord,
  kernelFromArgv,
  notAdopted,
  notLoadedReason,
  parseReport,
  type KernelCandidate,
} from "../../../src/core/kernel-adoption.js";

const uuid = "0b8e5f4a-1c2d-4e3f-9a8b-7c6d5e4f3a2b";
const cand = (id: string, pid: number): KernelCandidate => ({
  id,
  connectionFile: `/run/kernel-${id}.json`,
  identity: { pid, startTime: 7, host: "h", bootId: "b" },
});

test("kernelFromArgv finds the connection file of ipykernel, of a kernel with --f=, and of other kernels' argv", () => {
  const table: [string[], { id: string; connectionFile: string } | null][] = [
    [
      ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", `/rt/kernel-${uuid}.json`],
      { id: uuid, connectionFile: `/rt/kernel-${uuid}.json` },
    ],
    [
      ["python", "-m", "ipykernel_launcher", `--f=/rt/kernel-${uuid}.json`],
      { id: uuid, connectionFile: `/rt/kernel-${uuid}.json` },
    ],
    [
      ["R", "--slave", "-e", "IRkernel::main()", "--args", `/rt/kernel-${uuid}.json`],
      { id: uuid, connectionFile: `/rt/kernel-${uuid}.json` },
    ],
    [["python", "-m", "ipykernel_launcher", "-f", `kernel-${uuid}.json`], null],
    [["python", "-m", "ipykernel_launcher", "-f", "/rt/kernel-123.json"], null],
    [["/usr/bin/python3", "/usr/bin/jupyter-server", "--config=/s/jupyter-config.json"], null],
    [["bash", "-l"], null],
  ];
  for (const [argv, want] of table) assert.deepEqual(kernelFromArgv(argv), want, argv.join(" "));
});

test("adoptionConfig loads the extension, keeps sessions in the given file and lists each kernel with its identity", () => {
  const c = adoptionConfig({ report: "/s/adoption.json", sessionsDb: "/s/sessions.db", kernels: [cand(uuid, 42)] });
  assert.deepEqual(c, {
    ServerApp: { jpserver_extensions: { jlremote_adopt: true } },
    SessionManager: { database_filepath: "/s/sessions.db" },
    JlremoteAdopt: {
      report: "/s/adoption.json",
      kernels: [{ id: uuid, pid: 42, startTime: 7, connectionFile: `/run/kernel-${uuid}.json` }],
    },
  });
});

test("parseReport accepts a report and rejects garbage, a missing file and a report without pid", () => {
  assert.deepEqual(parseReport('{"pid":5,"supported":true,"reason":null,"adopted":[{"id":"a","pid":1}],"failed":[]}'), {
    pid: 5,
    supported: true,
    reason: null,
    adopted: [{ id: "a", pid: 1 }],
    failed: [],
  });
  assert.equal(parseReport(null), null);
  assert.equal(parseReport("{"), null);
  assert.equal(parseReport('{"supported":true}'), null);
});

test("adoptionRecord: first start, a restart with adopted and failed kernels, another server's report, no report", () => {
  const report = {
    pid: 9,
    supported: true,
    reason: null,
    adopted: [{ id: "a", pid: 1 }],
    failed: [{ id: "b", pid: 2, reason: "no kernel_info reply" }],
  };
  assert.deepEqual(adoptionRecord(report, 9, null, "T"), {
    supported: true,
    reason: null,
    at: null,
    adopted: [],
    failed: [],
  });
  assert.deepEqual(adoptionRecord(report, 9, [cand("a", 1), cand("b", 2), cand("c", 3)], "T"), {
    supported: true,
    reason: null,
    at: "T",
    adopted: [{ id: "a", pid: 1 }],
    failed: [
      { id: "b", pid: 2, reason: "no kernel_info reply" },
      { id: "c", pid: 3, reason: "not adopted" },
    ],
  });
  const stale = adoptionRecord(report, 10, [cand("a", 1)], "T");
  assert.equal(stale.supported, false);
  assert.deepEqual(stale.failed, [{ id: "a", pid: 1, reason: notLoadedReason }]);
  assert.equal(adoptionRecord(null, 10, null, "T").reason, notLoadedReason);
  const unsupported = adoptionRecord(
    { ...report, supported: false, reason: "jupyter_server 3.0 is not supported", adopted: [] },
    9,
    [cand("a", 1)],
    "T",
  );
  assert.deepEqual(unsupported.failed, [{ id: "a", pid: 1, reason: "jupyter_server 3.0 is not supported" }]);
});

test("notAdopted keeps the candidates whose id and PID the server did not adopt", () => {
  const rec = {
    supported: true,
    reason: null,
    at: "T",
    adopted: [
      { id: "a", pid: 1 },
      { id: "b", pid: 99 },
    ],
    failed: [],
  };
  assert.deepEqual(
    notAdopted([cand("a", 1), cand("b", 2), cand("c", 3)], rec).map((c) => c.id),
    ["b", "c"],
  );
});
