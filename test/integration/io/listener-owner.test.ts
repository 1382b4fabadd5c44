import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { test } from "node:test";
import { checkListener, portHolder } from "../../../src/io/listener-owner.js";
import { identify } from "../../../src/io/process-identity.js";
import { firstLine, freePort, killPid, processesWithEnv, waitFor } from "../../helpers/cli.js";

const me = () => identify(process.pid) as NonNullable<ReturnType<typeof identify>>;

test("a listener of this process (IPv4 or dual-stack) is ours; a free port has none", async (t) => {
  for (const host of ["127.0.0.1", "::"]) {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, host, r));
    t.after(() => srv.close());
    const port = (srv.address() as { port: number }).port;
    assert.deepEqual(checkListener(port, me()), { kind: "ours" }, host);
    assert.equal(portHolder(port)?.pid, process.pid);
  }
  assert.deepEqual(checkListener(await freePort(), me()), { kind: "none" });
});

test("a listener held by a child process counts as ours (descendants count)", async (t) => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["-e", `require("net").createServer().listen(${port}, "127.0.0.1", () => console.log("up"))`],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  t.after(() => killPid(child.pid));
  assert.equal(await firstLine(child.stdout, 30_000), "up");
  assert.deepEqual(checkListener(port, me()), { kind: "ours" });
  // Our identity no longer matching (a reused PID) vouches for nothing.
  assert.equal(checkListener(port, { ...me(), startTime: 1 }).kind, "foreign");
});

test("another user's listener is foreign, with its uid and (as root) its PID", {
  skip: process.getuid?.() !== 0 && "setpriv needs root",
}, async (t) => {
  const port = await freePort();
  // setsid -f: the listener is no descendant of ours (descendants would count as ours). It is found by a marker in
  // its environment for the cleanup, registered before anything can fail.
  const mark = `${process.pid}-${port}`;
  t.after(() => {
    for (const p of processesWithEnv(`JLR_TEST_LISTENER=${mark}`)) killPid(p);
  });
  const child = spawn(
    "setsid",
    [
      "-f",
      "setpriv",
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "/usr/bin/python3",
      "-c",
      `import os,socket,time\ns=socket.socket();s.bind(("127.0.0.1",${port}));s.listen(1);print(os.getpid(),flush=True);time.sleep(60)`,
    ],
    { env: { ...process.env, JLR_TEST_LISTENER: mark }, stdio: ["ignore", "pipe", "ignore"] },
  );
  const pid = Number(await firstLine(child.stdout, 30_000));
  const v = await waitFor("foreign verdict", () => {
    const x = checkListener(port, me());
    return x.kind === "foreign" ? x : null;
  });
  assert.deepEqual(v, { kind: "foreign", holder: { uid: 65534, pid } });
});

test("a listener on a compute node's own address (not 127.0.0.1) is found and judged ours", async (t) => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.2", r));
  t.after(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  assert.deepEqual(checkListener(port, me(), "127.0.0.2"), { kind: "ours" });
  assert.deepEqual(checkListener(port, me()), { kind: "none" }, "nothing listens on 127.0.0.1:port");
});
