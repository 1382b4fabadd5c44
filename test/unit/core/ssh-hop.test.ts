import assert from "node:assert/strict";
import { test } from "node:test";
import { hopConfigArgs, hopOptions, hopProxyCommand, isHopHost } from "../../../src/core/ssh-hop.js";
import { masterArgs } from "../../../src/core/ssh-command.js";

const sshG = [
  "user alice",
  "hostname login.cluster.edu",
  "port 2222",
  "identityfile ~/.ssh/id_ed25519",
  "identityfile /keys/other",
  "identitiesonly yes",
  "stricthostkeychecking yes",
  "userknownhostsfile /h/.ssh/known_hosts /h/.ssh/known_hosts2",
  "connecttimeout none",
  "remotecommand echo hi",
  "localforward 127.0.0.1:8888 127.0.0.1:22",
  "",
].join("\n");

test("the hop inherits who logs in, the keys and the known hosts of the original target, nothing else", () => {
  assert.deepEqual(hopOptions(sshG), [
    "-o",
    "user=alice",
    "-o",
    "port=2222",
    "-o",
    "identityfile=~/.ssh/id_ed25519",
    "-o",
    "identityfile=/keys/other",
    "-o",
    "identitiesonly=yes",
    "-o",
    "stricthostkeychecking=yes",
    "-o",
    "userknownhostsfile=/h/.ssh/known_hosts /h/.ssh/known_hosts2",
  ]);
});

test("the ProxyCommand is a stdio forward over the first master that never logs in by itself", () => {
  const cmd = hopProxyCommand({ host: "login.cluster.edu", controlPath: "/s/cm/a b%c" });
  assert.equal(
    cmd,
    "ssh -F /dev/null -o 'ControlPath=/s/cm/a b%%c' -o ControlMaster=no -o BatchMode=yes -o ProxyCommand=false -W %h:%p -- login.cluster.edu",
  );
});

test("a hop master reads no config file and goes through the ProxyCommand", () => {
  const via = { host: "login", controlPath: "/s/cm/a" };
  const a = masterArgs({
    host: "login03",
    controlPath: "/s/cm/b",
    sshConfig: "/cfg",
    jump: { via, options: ["-o", "user=alice"] },
  });
  assert.deepEqual(a.slice(0, 4), ["-F", "/dev/null", "-o", "user=alice"]);
  assert.ok(a.includes(`ProxyCommand=${hopProxyCommand(via)}`));
  assert.ok(a.includes("ControlPath=/s/cm/b") && a.includes("ControlMaster=yes"));
  assert.ok(!a.includes("/cfg"));
  assert.deepEqual(a.slice(-2), ["--", "login03"]);
  assert.deepEqual(hopConfigArgs({ via, options: [] }).slice(0, 2), ["-F", "/dev/null"]);
});

test("only plain host names and addresses from the remote state are hopped to", () => {
  for (const h of ["login03", "login03.cluster.edu", "10.1.2.3", "fe80::1"]) assert.ok(isHopHost(h), h);
  for (const h of ["-oProxyCommand=x", "a b", "", "host;rm", "x/y", "user@h"]) assert.ok(!isHopHost(h), h);
});
