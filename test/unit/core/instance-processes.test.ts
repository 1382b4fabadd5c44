import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classifyProcess,
  environValue,
  kernelConnectionFile,
  partitionByFate,
  partitionForAdoption,
  processFate,
  sighupIgnoredFromStatus,
  type ProcessFacts,
  type ProcessKind,
} from "../../../src/core/instance-processes.js";

const JUPYTER = 100;
const base: ProcessFacts = {
  pid: 0,
  ppid: JUPYTER,
  sid: 50,
  ttyNr: 0,
  argv: [],
  jpyParentPid: null,
  terminalEnv: false,
  sighupIgnored: false,
};
const p = (x: Partial<ProcessFacts>): ProcessFacts => ({ ...base, ...x });

// The instance: Jupyter (session 50 of its supervisor), a kernel, a terminal shell, and what runs under them.
const jupyter = p({ pid: JUPYTER, ppid: 49, argv: ["/usr/bin/python3", "/usr/bin/jupyter-server"] });
const kernel = p({
  pid: 200,
  sid: 200,
  argv: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "/run/u/jupyter/runtime/kernel-1c2f.json"],
  jpyParentPid: JUPYTER,
});
const orphanKernel = p({ ...kernel, pid: 201, sid: 201, ppid: 1 });
const irKernel = p({
  pid: 202,
  sid: 202,
  argv: ["R", "--slave", "-e", "IRkernel::main()", "--args", "--connection-file=/tmp/kernel-9.json"],
  jpyParentPid: JUPYTER,
});
const specKernel = p({ pid: 203, sid: 203, argv: ["/opt/k/run"], jpyParentPid: JUPYTER });
const terminal = p({ pid: 300, sid: 300, ttyNr: 34816, argv: ["/bin/bash", "-l"], terminalEnv: true });
const orphanTerminal = p({ ...terminal, pid: 301, sid: 301, ppid: 1 });
const worker = p({ pid: 210, ppid: 200, sid: 200, argv: ["python3", "-c", "pool worker"], jpyParentPid: JUPYTER });
const orphanWorker = p({ pid: 211, ppid: 1, sid: 999, argv: ["python3", "-c", "pool worker"], jpyParentPid: JUPYTER });
const setsidFromKernel = p({ pid: 220, ppid: 200, sid: 220, argv: ["sleep", "300"], jpyParentPid: JUPYTER });
const inSetsidSession = p({ pid: 221, ppid: 220, sid: 220, argv: ["python3", "train.py"], jpyParentPid: JUPYTER });
const fromTerminal = p({ pid: 310, ppid: 300, sid: 300, ttyNr: 34816, argv: ["make"], terminalEnv: true });
const nohupFromTerminal = p({
  pid: 311,
  ppid: 300,
  sid: 300,
  ttyNr: 34816,
  argv: ["python3", "train.py"],
  terminalEnv: true,
  sighupIgnored: true,
});
const nohupFromKernel = p({
  pid: 230,
  ppid: 1,
  sid: 200,
  argv: ["python3", "train.py"],
  jpyParentPid: JUPYTER,
  sighupIgnored: true,
});
const tmuxServer = p({ pid: 320, ppid: 1, sid: 320, argv: ["tmux"], terminalEnv: true });
const serverChild = p({ pid: 110, ppid: JUPYTER, sid: 50, argv: ["node", "lsp-server.js"] });

const all = [
  jupyter,
  kernel,
  orphanKernel,
  irKernel,
  specKernel,
  terminal,
  orphanTerminal,
  worker,
  orphanWorker,
  setsidFromKernel,
  inSetsidSession,
  fromTerminal,
  nohupFromTerminal,
  nohupFromKernel,
  tmuxServer,
  serverChild,
];
const byPid = new Map(all.map((x) => [x.pid, x]));

const table: [string, ProcessFacts, ProcessKind][] = [
  ["the recorded Jupyter", jupyter, "jupyter"],
  ["a kernel (-f …/kernel-ID.json)", kernel, "kernel"],
  ["a kernel whose Jupyter died (re-parented)", orphanKernel, "kernel"],
  ["a kernel with --connection-file=", irKernel, "kernel"],
  [
    "a kernel without a connection file on its command line, in its own session under the kernel manager",
    specKernel,
    "kernel",
  ],
  ["a terminal's shell", terminal, "terminal"],
  ["a terminal's shell whose Jupyter died", orphanTerminal, "terminal"],
  ["a kernel's child (a pool worker)", worker, "child"],
  ["a dead kernel's re-parented child, not nohup'd", orphanWorker, "child"],
  ["a setsid job started from a kernel", setsidFromKernel, "detached"],
  ["a process in a setsid job's session", inSetsidSession, "detached"],
  ["a command in a terminal", fromTerminal, "child"],
  ["a nohup job in a terminal", nohupFromTerminal, "detached"],
  ["a nohup job from a kernel, re-parented away", nohupFromKernel, "detached"],
  ["a tmux server started in a terminal", tmuxServer, "detached"],
  ["another child of Jupyter in its session", serverChild, "child"],
];
for (const [what, facts, kind] of table) {
  test(`classifies ${what} as ${kind}`, () => {
    assert.equal(classifyProcess(facts, { jupyterPid: JUPYTER, byPid }), kind);
  });
}

test("with Jupyter dead, its former PID is nothing special and kernels are still kernels", () => {
  assert.equal(classifyProcess(kernel, { jupyterPid: null, byPid }), "kernel");
  assert.equal(classifyProcess(serverChild, { jupyterPid: null, byPid }), "child");
});

test("the policy kills everything but deliberately detached processes (one place to change)", () => {
  assert.deepEqual((["jupyter", "kernel", "terminal", "child", "detached"] as const).map(processFate), [
    "kill",
    "kill",
    "kill",
    "kill",
    "keep",
  ]);
  const { kill, keep } = partitionByFate([
    { kind: "kernel" as const },
    { kind: "detached" as const },
    { kind: "child" as const },
  ]);
  assert.equal(kill.length, 2);
  assert.equal(keep.length, 1);
});

test("the connection file is read from -f, --f= and --connection-file forms; other json files are not one", () => {
  assert.equal(kernelConnectionFile(["python", "-f", "/r/kernel-a.json"]), "/r/kernel-a.json");
  assert.equal(kernelConnectionFile(["python", "--f=/r/kernel-b.json"]), "/r/kernel-b.json");
  assert.equal(kernelConnectionFile(["julia", "--connection-file", "kernel-c.json"]), "kernel-c.json");
  assert.equal(kernelConnectionFile(["python", "-f", "/r/config.json"]), null);
  assert.equal(kernelConnectionFile(["python", "train.py"]), null);
});

test("SIGHUP ignored is bit 0 of SigIgn; an environ value is found by exact name", () => {
  assert.equal(sighupIgnoredFromStatus("Name:\tnohup\nSigIgn:\t0000000000000001\nSigCgt:\t0\n"), true);
  assert.equal(sighupIgnoredFromStatus("SigIgn:\t0000000001001006\n"), false);
  assert.equal(sighupIgnoredFromStatus("no mask"), false);
  assert.equal(environValue("A=1\0JPY_PARENT_PID=42\0XJPY_PARENT_PID=7\0", "JPY_PARENT_PID"), "42");
  assert.equal(environValue("A=1\0", "JPY_PARENT_PID"), null);
});

test("partitionForAdoption keeps kernels with a connection file and the processes they started; detached stay; the rest is killed", () => {
  const p = (pid: number, ppid: number, kind: ProcessKind, connectionFile: string | null = null) => ({
    identity: { pid },
    ppid,
    kind,
    connectionFile,
  });
  const entries = [
    p(10, 1, "kernel", "/rt/kernel-a.json"),
    p(11, 10, "child"),
    p(12, 11, "child"),
    p(20, 1, "kernel", null),
    p(21, 20, "child"),
    p(30, 1, "terminal"),
    p(31, 30, "child"),
    p(40, 10, "detached"),
    p(50, 1, "child"),
  ];
  const r = partitionForAdoption(entries);
  assert.deepEqual(
    r.adopt.map((e) => e.identity.pid),
    [10, 11, 12],
  );
  assert.deepEqual(
    r.keep.map((e) => e.identity.pid),
    [40],
  );
  assert.deepEqual(
    r.kill.map((e) => e.identity.pid),
    [20, 21, 30, 31, 50],
  );
});
