// Two login nodes sharing a home (a loopback sshd as the first, an sshd in a network + UTS namespace of our own as the
// second): an instance started on the second is reached by jllocal against the first, through a second hop over its
// one master, with one authentication on each node and no prompt (BatchMode, keys only).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createAccount } from "../helpers/account.js";
import { alive, freePort, httpStatus, sandbox, waitFor } from "../helpers/cli.js";
import { killLocalMasters, runJllocal } from "../helpers/jllocal.js";
import { makeLoginNode } from "../helpers/login-node.js";

const ROOTLESS = process.getuid?.() === 0 ? false : "needs root (useradd, network namespaces)";

test("an instance started on another login node of the same home is reached through the one jllocal got", {
  timeout: 300_000,
  skip: ROOTLESS,
}, async (t) => {
  const sb = sandbox();
  const user = `jlrrr${process.pid % 100000}`;
  const node = makeLoginNode(sb.dir, `${user}-login03`);
  t.after(async () => {
    await node.end();
    await sb.cleanup();
  });
  const acct = await createAccount(sb.dir, user, "", node.firstLoginWrap);
  const localRoot = join(sb.env.XDG_STATE_HOME as string, "jlremote", "local");
  t.after(async () => {
    await killLocalMasters(localRoot, acct.sshd.sshConfig).catch(() => {});
    await acct.end();
  });
  const login03 = await node.startSshd(acct.sshd);
  const port = await freePort();
  acct.run(
    `mkdir -p ~/.config/jlremote && echo '{"instances":{"default":{"port":${port}}}}' > ~/.config/jlremote/config.json`,
  );
  const jllocal = (...args: string[]) =>
    runJllocal([acct.sshd.alias, "--no-browser", "--ssh-config", acct.sshd.sshConfig, ...args], sb.env, 240_000);

  // jllocal installs its jlremote into the shared home (nothing runs yet, nothing is started).
  const deploy = await jllocal("--no-start");
  assert.equal(deploy.code, 3, deploy.stderr);
  await killLocalMasters(localRoot, acct.sshd.sshConfig);

  // The instance starts on login03: its state (in the shared home) records that host.
  const [enter, ...enterArgs] = node.enter as [string, ...string[]];
  const onLogin03 = (cmd: string) =>
    spawnSync(enter, [...enterArgs, "/usr/sbin/runuser", "-u", user, "--", "sh", "-c", `cd && ${cmd}`], {
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin", HOME: acct.home, LANG: "C.UTF-8" },
      timeout: 120_000,
    });
  const started = onLogin03("~/.local/bin/jlremote start --json");
  assert.equal(started.status, 0, started.stderr);
  assert.equal((JSON.parse(started.stdout) as { host: string }).host, node.hostname);

  const before = [acct.sshd.logins(), login03.logins()];
  // Another local port than Jupyter's: the laptop shares the first login's network, where the instance moves later.
  const localPort = String(await freePort());
  const r = await jllocal("--local-port", localPort);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`runs on ${node.hostname}, not on ${acct.sshd.alias}; reaching it through`));
  assert.equal(acct.sshd.logins() - (before[0] as number), 1, "one login on the node jllocal got");
  assert.equal(login03.logins() - (before[1] as number), 1, "one login on the node that runs the instance");
  const url = new URL(r.stdout.trim());
  const api = `${url.origin}/api/status`;
  assert.equal(await httpStatus(api, { Authorization: `token ${url.searchParams.get("token")}` }), 200);
  assert.equal(await httpStatus(api), 403);
  const listed = await runJllocal(["status", "--json"], sb.env);
  assert.deepEqual(
    (JSON.parse(listed.stdout) as { healthy: boolean; masterAlive: boolean }[]).map((x) => [x.healthy, x.masterAlive]),
    [[true, true]],
  );

  // Again, with both masters up: the same URL, no new login anywhere.
  const again = await jllocal("--local-port", localPort);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), r.stdout.trim());
  assert.deepEqual([acct.sshd.logins(), login03.logins()], [(before[0] as number) + 1, (before[1] as number) + 1]);

  const tunnels = join(localRoot, "tunnels");
  const record = () =>
    JSON.parse(
      readFileSync(join(tunnels, readdirSync(tunnels).find((f) => f.endsWith(".json")) as string), "utf8"),
    ) as { master: { pid: number }; localPort: number; hop?: { host: string; master: { pid: number } } };
  const hopped = record();
  assert.equal(hopped.hop?.host, node.hostname);

  // The instance moves to the node jllocal gets: the old hop goes, the local port stays.
  const stopped = onLogin03("~/.local/bin/jlremote stop");
  assert.equal(stopped.status, 0, stopped.stderr);
  const moved = await jllocal();
  assert.equal(moved.code, 0, moved.stderr);
  assert.doesNotMatch(moved.stderr, /reaching it through/);
  assert.equal(new URL(moved.stdout.trim()).port, url.port);
  assert.equal(alive(hopped.hop?.master.pid as number), false, "the old hop's master is closed");
  assert.equal(record().hop, undefined);
  const movedUrl = new URL(moved.stdout.trim());
  assert.equal(await httpStatus(api, { Authorization: `token ${movedUrl.searchParams.get("token")}` }), 200);

  // Back on login03: `jllocal kill --cancel` stops it there over the hop and ends both masters.
  const direct = await runJllocal(["kill", "--cancel", acct.sshd.alias, "--ssh-config", acct.sshd.sshConfig], sb.env);
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(onLogin03("~/.local/bin/jlremote start --json").status, 0);
  const back = await jllocal();
  assert.equal(back.code, 0, back.stderr);
  const last = record();
  assert.equal(last.hop?.host, node.hostname);
  const killed = await runJllocal(["kill", "--cancel", acct.sshd.alias, "--ssh-config", acct.sshd.sshConfig], sb.env);
  assert.equal(killed.code, 0, killed.stderr);
  assert.doesNotMatch(killed.stderr, /warning/);
  await waitFor(
    "both masters to exit",
    () => !alive(last.master.pid) && !alive(last.hop?.master.pid as number),
    10_000,
  );
  const state = JSON.parse(readFileSync(join(acct.home, ".local/state/jlremote/default/state.json"), "utf8")) as {
    state: string;
    host: string;
  };
  assert.deepEqual([state.state, state.host], ["stopped", node.hostname]);
});
