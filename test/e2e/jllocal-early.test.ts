// jllocal's early forward: the remote `jlremote start` says where Jupyter will listen before it answers; jllocal's
// forward is up while Jupyter starts, the URL it prints uses it, and a start that fails after that leaves no forward.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { E2E_TIMEOUT_MS, freePort, httpStatus, waitFor } from "../helpers/cli.js";
import { jupyterlab4 } from "../helpers/flavours.js";
import {
  listeningPorts,
  localMasters,
  remoteRecord,
  runJllocal,
  startJllocalWorld,
  type JllocalWorld,
} from "../helpers/jllocal.js";

interface Recorded {
  state: string;
  port: number | null;
  socket: string | null;
}

describe("jllocal forwards while the remote Jupyter starts", {
  skip: existsSync("/usr/sbin/sshd") ? false : "no /usr/sbin/sshd (apt-get install openssh-server)",
  timeout: E2E_TIMEOUT_MS,
}, () => {
  let world: JllocalWorld | undefined;
  const w = () => world as JllocalWorld;
  const args = (name: string) => [
    "jlr-test",
    "--no-browser",
    "--json",
    "--name",
    name,
    "--ssh-config",
    w().sshd.sshConfig,
  ];
  const recorded = (name: string) => remoteRecord<Recorded>(w().remoteState, name);
  /** Ports jllocal's masters listen on. */
  const forwards = () => localMasters(w().localRoot, w().sshd.sshConfig).flatMap(listeningPorts);
  /** The forwards seen while the remote instance is still starting (its state read before and after), or null. */
  const whileStarting = (name: string) => {
    if (recorded(name)?.state !== "starting") return null;
    const ports = forwards();
    return ports.length > 0 && recorded(name)?.state === "starting" ? ports : null;
  };

  before(async () => {
    // A prologue that sleeps keeps Jupyter starting long enough to look; `dies` fails after its early line.
    const server = { jupyter: "/usr/bin/jupyter", app: "server" };
    world = await startJllocalWorld({
      instances: {
        slowsock: { ...server, prologue: "sleep 3" },
        slowlab: { jupyter: jupyterlab4.jupyter, app: jupyterlab4.app, prologue: "sleep 3" },
        slowtcp: { ...server, port: await freePort(), prologue: "sleep 3" },
        dies: { ...server, maxRestarts: 0, prologue: "sleep 3; exit 3" },
      },
    });
  });
  after(async () => {
    await world?.end();
  });

  for (const [name, kind] of [
    ["slowsock", "unix socket"],
    ["slowlab", "unix socket"],
    ["slowtcp", "TCP port"],
  ] as const)
    test(`cold start on a ${kind} (${name === "slowlab" ? "JupyterLab 4" : "Debian's jupyter_server"}): ${kind === "unix socket" ? "the local forward listens while Jupyter starts, and the printed URL uses it" : "the forward waits for start's verified result"}`, async () => {
      const before = forwards();
      let done = false;
      const run = runJllocal(args(name), w().env, 120_000).finally(() => {
        done = true;
      });
      // Every forward seen while the remote instance was still starting, until jllocal ends.
      const early = new Set<number>();
      await waitFor(
        "jllocal to end",
        () => {
          for (const p of whileStarting(name) ?? []) if (!before.includes(p)) early.add(p);
          return done;
        },
        120_000,
      );
      const r = await run;
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /jlremote:target/, "the early line is jllocal's, not the user's");
      const info = JSON.parse(r.stdout.trim()) as { url: string; localPort: number; target: Record<string, unknown> };
      // The forward of this run is up early for a socket, and only after start's answer for a TCP port; any other
      // port seen is another tunnel's, still there (the snapshot `before` can miss one a read of /proc skipped).
      assert.equal(early.has(info.localPort), kind === "unix socket", `early forwards: ${[...early].join(", ")}`);
      const now = forwards();
      for (const p of early) if (p !== info.localPort) assert.ok(now.includes(p), `a stray early forward on ${p}`);
      const st = recorded(name) as Recorded;
      assert.equal(st.state, "running");
      assert.deepEqual(info.target, kind === "unix socket" ? { socket: st.socket } : { port: st.port });
      assert.equal(await httpStatus(info.url), 200);
    });

  test("a start that fails after its early line leaves no forward of it on a master that stays", async () => {
    // A master that stays (it carries another tunnel): the failed run must cancel its own forward on it.
    const up = await runJllocal(args("slowsock"), w().env, 120_000);
    assert.equal(up.code, 0, up.stderr);
    // Polled: the master's listening socket is read from /proc (CI once read none right after jllocal returned).
    const before = await waitFor(
      "the master to carry a forward",
      () => {
        const f = forwards();
        return f.length > 0 ? f : null;
      },
      10_000,
    );
    const run = runJllocal(args("dies"), w().env, 120_000);
    await waitFor(
      "the early forward of the failing start",
      () => (whileStarting("dies")?.length ?? 0) > before.length,
      60_000,
    );
    const r = await run;
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^jllocal: `jlremote start` failed on jlr-test: Jupyter did not start/m);
    assert.doesNotMatch(r.stderr, /jlremote:target/);
    assert.equal(recorded("dies")?.state, "failed");
    assert.deepEqual(forwards(), before, "only the other tunnel's forward is left");
  });

  test("a start that fails after its early line with a master of its own leaves no master and no forward", async () => {
    const killed = await runJllocal(["kill", "--all"], w().env);
    assert.equal(killed.code, 0, killed.stderr);
    assert.deepEqual(localMasters(w().localRoot, w().sshd.sshConfig), []);
    const run = runJllocal(args("dies"), w().env, 120_000);
    await waitFor("the early forward of the failing start", () => whileStarting("dies"), 60_000);
    const r = await run;
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /Jupyter did not start/);
    assert.deepEqual(localMasters(w().localRoot, w().sshd.sshConfig), [], "no master left");
  });
});
