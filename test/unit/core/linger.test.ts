import assert from "node:assert/strict";
import { test } from "node:test";
import { lingerAdvice } from "../../../src/core/linger.js";

test("with lingering on, the advice is one line saying the service survives logout and reboot", () => {
  assert.deepEqual(lingerAdvice({ kind: "yes" }, "ann"), [
    "lingering is on: the service starts at boot and keeps running after you log out",
  ]);
});

test("with lingering off, the advice says what happens at logout and gives the exact command, also for an admin", () => {
  const text = lingerAdvice({ kind: "no" }, "ann").join("\n");
  assert.match(text, /lingering is off: when your last session .* ends/);
  assert.match(text, /stops your user\nmanager and this Jupyter with its kernels/);
  assert.match(text, /`loginctl enable-linger ann`/);
  assert.match(text, /`sudo loginctl enable-linger ann`/);
});

test("when lingering cannot be read, the advice says why and still gives the command", () => {
  const text = lingerAdvice({ kind: "unknown", why: "no logind" }, "bob").join("\n");
  assert.match(text, /could not tell whether lingering is on \(no logind\)/);
  assert.match(text, /`loginctl enable-linger bob`/);
});
