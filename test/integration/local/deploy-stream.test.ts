// The deploy stream and its remote script, run here with sh (no ssh): a stream cut anywhere leaves nothing usable and
// no temp dir; the whole stream installs the version; the lookup then runs it, and probes when it is missing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { deployCommandLine } from "../../../src/core/deploy-script.js";
import { DEPLOY_EXIT, parseProbe } from "../../../src/core/remote-lookup.js";
import { remoteCommandLine } from "../../../src/core/ssh-command.js";
import { payloadItems, payloadSize, writePayload } from "../../../src/local/deploy/payload.js";

const DIST = resolve(import.meta.dirname, "../../../dist");
const V = "9.9.9-test";

async function payload(): Promise<Buffer> {
  const items = payloadItems(DIST, null, V);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (d: Buffer) => chunks.push(d));
  await writePayload(items, out, () => {});
  const buf = Buffer.concat(chunks);
  assert.equal(buf.length, payloadSize(items));
  return buf;
}

function sh(home: string, line: string, input?: Buffer) {
  return spawnSync("sh", ["-c", line], {
    input,
    encoding: "utf8",
    env: { HOME: home, PATH: "/usr/bin:/bin", LANG: "C.UTF-8" },
  });
}

const base = (home: string) => join(home, ".local/share/jlremote");
const deploy = deployCommandLine(V, { kind: "path", node: process.execPath, version: process.version });

test("a stream cut short (mid-file or before its last member) installs nothing and leaves no temp dir", async () => {
  const full = await payload();
  const home = mkdtempSync(join(tmpdir(), "jlr-deploy-"));
  try {
    for (const cut of [Math.floor(full.length / 2), full.length - 3 * 512]) {
      const r = sh(home, deploy, full.subarray(0, cut));
      assert.notEqual(r.status, 0, r.stdout);
      assert.equal(existsSync(join(base(home), V)), false);
      assert.deepEqual(readdirSync(base(home)), []);
    }
    const ok = sh(home, deploy, full);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^launcher=ok$/m);
    const v = sh(home, `"$HOME/.local/share/jlremote/${V}/bin/jlremote" --version`);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(readdirSync(base(home)).sort().join(","), V);
    assert.ok(existsSync(join(home, ".local/bin/jlremote")));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("the lookup runs the installed version; without one it prints the probe and exits 94", () => {
  const home = mkdtempSync(join(tmpdir(), "jlr-lookup-"));
  try {
    const own = { version: V, probe: true, remoteNode: null };
    const missing = sh(home, remoteCommandLine(null, ["--version"], {}, own));
    assert.equal(missing.status, DEPLOY_EXIT, missing.stderr);
    const probe = parseProbe(missing.stdout);
    assert.ok(probe);
    assert.equal(probe.home, home);
    assert.match(probe.uname, /^Linux /);
    assert.match(probe.glibc, /2\.\d+/);
    const refused = sh(home, remoteCommandLine(null, ["--version"], {}, { ...own, probe: false }));
    assert.equal(refused.status, 127);
    // A launcher jllocal deployed for another version is not this one: still the probe.
    const script = (text: string) => `#!/bin/sh\n${text}\n`;
    mkdirSync(join(home, ".local/bin"), { recursive: true });
    writeFileSync(
      join(home, ".local/bin/jlremote"),
      script(`bundle='${home}/.local/share/jlremote/0.0.1/jlremote.cjs'\necho other`),
      { mode: 0o755 },
    );
    assert.equal(sh(home, remoteCommandLine(null, ["x"], {}, own)).status, DEPLOY_EXIT);
    // A jlremote the user installed is used as it is.
    writeFileSync(join(home, ".local/bin/jlremote"), script('echo "user $1"'), { mode: 0o755 });
    assert.equal(sh(home, remoteCommandLine(null, ["x"], {}, own)).stdout, "user x\n");
    // The installed version comes first.
    mkdirSync(join(base(home), V, "bin"), { recursive: true });
    writeFileSync(join(base(home), V, "bin/jlremote"), script('echo "own $1"'), { mode: 0o755 });
    assert.equal(sh(home, remoteCommandLine(null, ["x"], {}, own)).stdout, "own x\n");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
