// The remote lookup's probe output and the words it builds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isDeployableVersion, parseProbe, PROBE_MARKER, remotePathWord } from "../../../src/core/remote-lookup.js";

test("the probe is read after its marker; login noise before it is ignored", () => {
  const out = `motd line\nhome=/fake\n${PROBE_MARKER}\nhome=/home/u\nuname=Linux x86_64\nnode=/usr/bin/node\nnodeVersion=v16.20.2\nglibc=glibc 2.17\nruntime=/home/u/.local/share/jlremote/node-20.20.2/bin/node\n`;
  assert.deepEqual(parseProbe(out), {
    home: "/home/u",
    uname: "Linux x86_64",
    node: "/usr/bin/node",
    nodeVersion: "v16.20.2",
    glibc: "glibc 2.17",
    runtimes: ["/home/u/.local/share/jlremote/node-20.20.2/bin/node"],
  });
  assert.equal(parseProbe("no probe here\n"), null);
});

test("remote paths keep ~/ for the remote home; versions are plain words", () => {
  assert.equal(remotePathWord("~/conda/bin/node"), '"$HOME"/conda/bin/node');
  assert.equal(remotePathWord("/opt/x y/node"), "'/opt/x y/node'");
  assert.equal(isDeployableVersion("0.1.0"), true);
  assert.equal(isDeployableVersion("0.0.0-dev"), true);
  assert.equal(isDeployableVersion("../x"), false);
  assert.equal(isDeployableVersion("a b"), false);
});
