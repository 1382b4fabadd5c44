// What `jlremote uninstall --all` removes of jllocal's installs, and the doctor's runtime line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planCleanup } from "../../../src/core/deployed-cleanup.js";
import { checkRuntime } from "../../../src/core/doctor-runtime.js";

const R = "/h/.local/share/jlremote";

test("versions and runtimes no instance uses go; used ones stay with the runtime they run on", () => {
  const plan = planCleanup(R, {
    entries: ["0.1.0", "0.0.9", "0.0.8", "0.0.7", "node-20.20.2", "node-20.19.0", ".incoming-0.1.0-42"],
    usedPaths: ["/usr/bin/sh", `${R}/0.0.9/jlremote.cjs`],
    liveVersions: ["0.0.8"],
    nodeOf: { "0.0.9": `${R}/node-20.20.2/bin/node`, "0.0.8": "/usr/bin/node", "0.1.0": `${R}/node-20.19.0/bin/node` },
  });
  assert.deepEqual(plan.remove, ["0.1.0", "0.0.7", "node-20.19.0"]);
  assert.deepEqual(plan.keep, [
    { name: "0.0.9", why: `in use (${R}/0.0.9/jlremote.cjs)` },
    { name: "0.0.8", why: "an instance of this version runs on another host" },
    { name: "node-20.20.2", why: "jlremote 0.0.9 runs on it" },
  ]);
});

test("doctor says the glibc and whether node is a runtime jllocal installed", () => {
  assert.equal(
    checkRuntime("2.36", `${R}/node-20.20.2/bin/node`, "/h").message,
    `glibc 2.36; node is the Node.js runtime jllocal installed (${R}/node-20.20.2/bin/node)`,
  );
  assert.match(checkRuntime(null, "/usr/bin/node", "/h").message, /^no glibc .*; node is not one jllocal installed/);
});
