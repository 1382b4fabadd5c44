import assert from "node:assert/strict";
import { test } from "node:test";
import { openerCommands, redirectHtml } from "../../../src/core/browser-opener.js";

test("the platform opener: open on macOS, xdg-open on Linux, explorer on Windows", () => {
  assert.deepEqual(openerCommands("darwin", {}, "/p.html"), [{ cmd: "open", args: ["/p.html"] }]);
  assert.deepEqual(openerCommands("linux", {}, "/p.html"), [{ cmd: "xdg-open", args: ["/p.html"] }]);
  assert.deepEqual(openerCommands("win32", {}, "C:\\p.html"), [{ cmd: "explorer.exe", args: ["C:\\p.html"] }]);
});

test("$BROWSER entries come first, with %s replaced or the target appended", () => {
  assert.deepEqual(openerCommands("linux", { BROWSER: "firefox --new-tab %s:w3m" }, "/p.html"), [
    { cmd: "firefox", args: ["--new-tab", "/p.html"] },
    { cmd: "w3m", args: ["/p.html"] },
    { cmd: "xdg-open", args: ["/p.html"] },
  ]);
  assert.equal(openerCommands("linux", { BROWSER: " : " }, "/p").length, 1);
});

test("the redirect page points at the URL, escaped for HTML", () => {
  const html = redirectHtml('http://127.0.0.1:9/tree?token=a&b="c"');
  assert.match(
    html,
    /<meta http-equiv="refresh" content="0;url=http:\/\/127\.0\.0\.1:9\/tree\?token=a&amp;b=&quot;c&quot;">/,
  );
  assert.doesNotMatch(html, /b="c"/);
});
