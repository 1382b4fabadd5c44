import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { joinPath } from "../../../src/core/path-join.js";

test("joinPath gives node's join for plain parts and for every part join would change", () => {
  const rows: string[][] = [
    // Plain: concatenated.
    ["/home/u/.local/state", "jlremote"],
    ["/home/u/.local/state/jlremote", "s", "state.json"],
    ["/home/u", ".local/state"],
    ["/home/u/.config/systemd/user", "jlremote@a.b.service.d", "options.conf"],
    ["relative/dir", "x"],
    ["/a", "b..c", ".hidden", "..x", "x.."],
    // Not plain: node's join.
    ["/", "x"],
    ["/home/u/", "x"],
    ["/home//u", "x"],
    ["/home/u/./v", "x"],
    ["/home/u/../v", "x"],
    ["/home/u/.", "x"],
    ["/home/u/..", "x"],
    ["/home/u", "/x"],
    ["/home/u", "x/"],
    ["/home/u", ""],
    ["/home/u", "."],
    ["/home/u", ".."],
    ["/home/u", "./x"],
    ["/home/u", "../x"],
    ["./rel", "x"],
    ["../rel", "x"],
    ["", "x"],
    ["x"],
    ["/"],
    [],
  ];
  for (const parts of rows) assert.equal(joinPath(...parts), join(...parts), JSON.stringify(parts));
});
