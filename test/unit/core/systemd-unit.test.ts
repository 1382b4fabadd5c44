import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import {
  parseConditionHost,
  quoteEnv,
  quoteExec,
  renderDropIn,
  renderTemplate,
  stopSlackSec,
  unitName,
} from "../../../src/core/systemd-unit.js";

const spec = {
  execArgv: ["/opt/node/bin/node", "/home/u/jlremote.mjs", "run", "--name", "lab1", "--root-dir", "/home/u/my proj"],
  environment: { PATH: "/usr/bin:/bin", XDG_STATE_HOME: "/home/u/.local/state" },
  host: "login1",
  stopTimeoutSec: 10,
};

test("the repository's systemd/jlremote@.service is the template rendered for ~/.local/bin/jlremote", () => {
  const file = readFileSync(resolve(import.meta.dirname, "../../../systemd/jlremote@.service"), "utf8");
  assert.equal(file, renderTemplate("%h/.local/bin/jlremote"));
});

test("the template runs `jlremote run --name %i` with KillMode=process (signals reach the supervisor only), OOMPolicy=continue, restart on failure and an install section", () => {
  const t = renderTemplate('"/n" "/b.mjs"');
  assert.match(t, /^ExecStart="\/n" "\/b\.mjs" run --name %i$/m);
  assert.match(t, /^KillMode=process$/m);
  assert.match(t, /^OOMPolicy=continue$/m);
  assert.match(t, /^Restart=on-failure$/m);
  assert.match(t, /^RestartPreventExitStatus=2 4$/m);
  assert.match(t, /^TimeoutStopSec=30$/m);
  assert.match(t, /^\[Install\]\nWantedBy=default\.target$/m);
  assert.doesNotMatch(t, /\/home\/|\/root\//);
});

test("the drop-in resets ExecStart, then sets the full command, environment, host and a stop timeout above the supervisor's", () => {
  const d = renderDropIn({ ...spec, stopTimeoutSec: 12.5 });
  assert.match(d, /^ExecStart=\n/m);
  assert.match(
    d,
    /^ExecStart="\/opt\/node\/bin\/node" "\/home\/u\/jlremote\.mjs" "run" "--name" "lab1" "--root-dir" "\/home\/u\/my proj"$/m,
  );
  assert.match(d, /^Environment="PATH=\/usr\/bin:\/bin"$/m);
  assert.match(d, /^Environment="XDG_STATE_HOME=\/home\/u\/\.local\/state"$/m);
  assert.match(d, /^\[Unit\]\nConditionHost=login1$/m);
  assert.match(d, new RegExp(`^TimeoutStopSec=${13 + stopSlackSec}$`, "m"));
});

test("ExecStart quoting escapes backslash, double quote, percent specifiers and dollar expansion", () => {
  assert.equal(quoteExec(['a"b', "c\\d", "50%", "$HOME", "${X}"]), '"a\\"b" "c\\\\d" "50%%" "$$HOME" "$${X}"');
});

test("Environment quoting escapes percent and quotes but leaves dollar alone (no expansion there)", () => {
  assert.equal(quoteEnv("A", 'x%y"$z'), '"A=x%%y\\"$z"');
});

test("a newline in a value or a bad variable name is a usage error, not a broken unit", () => {
  assert.throws(
    () => quoteExec(["a\nb"]),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
  assert.throws(
    () => quoteEnv("A-B", "x"),
    (e: { exitCode: number }) => e.exitCode === 2,
  );
});

test("the host is read back from a rendered drop-in, and is null when absent", () => {
  assert.equal(parseConditionHost(renderDropIn({ ...spec, host: "node%1" })), "node%1");
  assert.equal(parseConditionHost("[Service]\nExecStart=/x\n"), null);
});

test("the unit name is jlremote@NAME.service", () => {
  assert.equal(unitName("lab.2_x-y"), "jlremote@lab.2_x-y.service");
});
