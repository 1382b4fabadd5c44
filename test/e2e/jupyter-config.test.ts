// The user's own Jupyter config against jlremote's settings: base_url is honoured, what jlremote owns wins.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { flavourArgs, flavours } from "../helpers/flavours.js";
import { E2E_TIMEOUT_MS, freePort, httpStatus, runCli, sandbox, type Sandbox } from "../helpers/cli.js";

/** The local addresses of every LISTEN socket on `port` in this network namespace, from /proc/net/tcp and tcp6. */
function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      const [hex, portHex] = (f[1] ?? "").split(":");
      if (f[3] !== "0A" || !hex || Number.parseInt(portHex ?? "", 16) !== port) continue;
      // IPv4: one little-endian word; IPv6: four host-order words, shown in hex (:: is 32 zeros).
      out.push(
        hex.length === 8
          ? (hex.match(/../g) ?? [])
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join(".")
          : `[${hex}]`,
      );
    }
  }
  return out.sort();
}

function userJupyterConfig(sb: Sandbox, serverApp: Record<string, unknown>): void {
  const dir = sb.env.JUPYTER_CONFIG_DIR as string;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "jupyter_server_config.json"), JSON.stringify({ ServerApp: serverApp }));
}

for (const f of flavours) {
  test(`base_url=/u/me/ in the user's Jupyter config (${f.id}): start does not time out and the printed URL works`, {
    skip: f.skip,
    timeout: E2E_TIMEOUT_MS,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    userJupyterConfig(sb, { base_url: "/u/me/" });
    const r = await runCli(
      ["start", ...flavourArgs(f), "--port", String(await freePort()), "--timeout", "30", "--json"],
      sb.env,
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { url: string; token: string; port: number };
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/u\/me\//);
    assert.equal(await httpStatus(s.url), 200);
    assert.equal(
      await httpStatus(`http://127.0.0.1:${s.port}/u/me/api/status`, { Authorization: `token ${s.token}` }),
      200,
    );
  });

  test(`what jlremote owns wins over the user's Jupyter config: ip, port, no browser, root dir (${f.id})`, {
    skip: f.skip,
    timeout: E2E_TIMEOUT_MS,
  }, async (t) => {
    const sb = sandbox();
    t.after(() => sb.cleanup());
    const root = join(sb.dir, "proj");
    mkdirSync(root);
    userJupyterConfig(sb, { ip: "0.0.0.0", port: 1, open_browser: true, root_dir: "/", token: "" });
    const port = await freePort();
    const r = await runCli(
      ["start", ...flavourArgs(f), "--port", String(port), "--root-dir", root, "--timeout", "30", "--json"],
      sb.env,
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { url: string; token: string; port: number; jupyterPid: number };
    assert.equal(s.port, port);
    // The listening socket itself is bound to 127.0.0.1 only, not to the user's 0.0.0.0 (a connection to 127.0.0.1
    // would work under either binding).
    assert.deepEqual(listeningAddresses(port), ["127.0.0.1"]);
    assert.equal(await httpStatus(s.url), 200);
    assert.equal(
      await httpStatus(`http://127.0.0.1:${port}/api/status`),
      403,
      "an empty token in the user's config does not switch auth off",
    );
    const contents = await fetch(`http://127.0.0.1:${port}/api/contents`, {
      headers: { Authorization: `token ${s.token}` },
    });
    assert.equal(contents.status, 200);
    // The served root is jlremote's --root-dir, not the user's root_dir=/.
    const listing = (await contents.json()) as { content: { name: string }[] };
    assert.deepEqual(
      listing.content.map((c) => c.name),
      [],
    );
    assert.equal(readlinkSync(`/proc/${s.jupyterPid}/cwd`), root);
  });
}
