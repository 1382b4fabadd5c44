import assert from "node:assert/strict";
import { test } from "node:test";
import { JlremoteError } from "../../../src/core/errors.js";
import {
  classifyJupyter,
  commandFor,
  installCommands,
  pickApp,
  withPrologue,
} from "../../../src/core/jupyter-install.js";

test("the executable's name says how it starts an app", () => {
  const table: [string, string, string | null][] = [
    ["/usr/bin/jupyter", "jupyter", null],
    ["/home/u/.local/bin/jupyter-lab", "entry", "lab"],
    ["/x/jupyter-notebook", "entry", "notebook"],
    ["/x/jupyter-server", "entry", "server"],
    ["/env/bin/python", "python", null],
    ["/env/bin/python3", "python", null],
    ["/env/bin/python3.11", "python", null],
    ["/fixtures/flaky-jupyter.sh", "jupyter", null],
    ["/x/jupyter-labextension", "jupyter", null],
  ];
  for (const [path, kind, app] of table) assert.deepEqual(classifyJupyter(path), { kind, entryApp: app }, path);
});

test("argv per install kind and app: jupyter <app>, the entry point itself or a sibling, python -m <module>", () => {
  const none = { entries: {}, sibling: null, modules: [] };
  const table: [string, Parameters<typeof installCommands>[1], "lab" | "notebook" | "server", string[]][] = [
    [
      "/v/bin/jupyter",
      { ...none, entries: { lab: "/v/bin/jupyter-lab", server: "/v/bin/jupyter-server" } },
      "lab",
      ["/v/bin/jupyter", "lab"],
    ],
    [
      "/v/bin/jupyter",
      { ...none, entries: { server: "/v/bin/jupyter-server" } },
      "server",
      ["/v/bin/jupyter", "server"],
    ],
    // jupyter_core's launcher execs the entry point beside it: that one is run directly (one Python start fewer).
    [
      "/v/bin/jupyter",
      { ...none, entries: { lab: "/v/bin/jupyter-lab", server: "/v/bin/jupyter-server" }, launcher: true },
      "server",
      ["/v/bin/jupyter-server"],
    ],
    // ...but one found elsewhere on PATH still goes through the launcher, as by hand.
    [
      "/v/bin/jupyter",
      { ...none, entries: { server: "/usr/bin/jupyter-server" }, launcher: true },
      "server",
      ["/v/bin/jupyter", "server"],
    ],
    [
      "/p/jupyter-lab",
      { ...none, entries: { server: "/p/jupyter-server" }, sibling: "/p/jupyter", launcher: true },
      "server",
      ["/p/jupyter-server"],
    ],
    ["/p/jupyter-lab", none, "lab", ["/p/jupyter-lab"]],
    ["/p/jupyter-lab", { ...none, entries: { server: "/p/jupyter-server" } }, "server", ["/p/jupyter-server"]],
    [
      "/p/jupyter-lab",
      { ...none, entries: { server: "/p/jupyter-server" }, sibling: "/p/jupyter" },
      "server",
      ["/p/jupyter", "server"],
    ],
    ["/e/bin/python", { ...none, modules: ["lab", "server"] }, "lab", ["/e/bin/python", "-m", "jupyterlab"]],
    ["/e/bin/python", { ...none, modules: ["notebook", "server"] }, "notebook", ["/e/bin/python", "-m", "notebook"]],
    ["/e/bin/python", { ...none, modules: ["server"] }, "server", ["/e/bin/python", "-m", "jupyter_server"]],
  ];
  for (const [path, found, app, argv] of table)
    assert.deepEqual(commandFor(installCommands(path, found), app), argv, `${path} ${app}`);
});

test("--app auto picks lab, else notebook, else server, among what the install offers", () => {
  const none = { entries: {}, sibling: null, modules: [] };
  assert.equal(pickApp(installCommands("/e/python", { ...none, modules: ["notebook", "server"] })), "notebook");
  assert.equal(pickApp(installCommands("/e/python", { ...none, modules: ["lab", "notebook", "server"] })), "lab");
  assert.equal(pickApp(installCommands("/p/jupyter-lab", none)), "lab");
  assert.equal(
    pickApp(installCommands("/usr/bin/jupyter", { ...none, entries: { server: "/usr/bin/jupyter-server" } })),
    "server",
  );
  // A wrapper with nothing detectable next to it keeps the old behaviour: `X server`.
  assert.equal(pickApp(installCommands("/f/wrapper.sh", none)), "server");
});

test("an app the install does not offer is a usage error that says what it offers", () => {
  const none = { entries: {}, sibling: null, modules: [] };
  assert.throws(
    () => commandFor(installCommands("/p/jupyter-lab", none), "notebook"),
    (e: unknown) => e instanceof JlremoteError && e.exitCode === 2 && /offers lab; pass --app lab/.test(e.message),
  );
  assert.throws(
    () => commandFor(installCommands("/e/python", { ...none, modules: ["server"] }), "lab"),
    /offers server/,
  );
  // jupyter itself may still have the subcommand (found elsewhere by jupyter_core): it is tried.
  assert.deepEqual(commandFor(installCommands("/usr/bin/jupyter", none), "notebook"), ["/usr/bin/jupyter", "notebook"]);
});

test("a prologue runs in sh from the environment (never on the command line), stops on failure, then execs the command", () => {
  assert.deepEqual(withPrologue(null, ["/j", "lab"]), { argv: ["/j", "lab"], env: {} });
  assert.deepEqual(withPrologue("  ", ["/j", "lab"]), { argv: ["/j", "lab"], env: {} });
  const prologue = "module load x && export API_KEY=secret";
  const { argv, env } = withPrologue(prologue, ["jupyter", "lab", "--no-browser"]);
  assert.deepEqual(argv.slice(0, 2), ["/bin/sh", "-c"]);
  assert.ok(!argv.join(" ").includes("API_KEY"), "the prologue is on the command line");
  assert.match(argv[2] as string, /unset JLREMOTE_PROLOGUE; eval .*exit 126; \}; unset _jlr_p; exec "\$0" "\$@"$/);
  assert.deepEqual(argv.slice(3), ["jupyter", "lab", "--no-browser"]);
  assert.deepEqual(env, { JLREMOTE_PROLOGUE: prologue });
});
