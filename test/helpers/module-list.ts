// A preload (`--require`, or `-r` through NODE_OPTIONS) that writes the node built-ins a process has loaded, one list
// per process: at its exit, or when a supervisor logs "jupyter spawned" (its log lines go through fs.writeSync).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** When each process writes its list. */
export type ListPoint = "exit" | "jupyter spawned";

/** The preload, written into `dir`, and the lists written since (one per process that reached `at`). */
export function moduleListHook(dir: string, at: ListPoint): { preload: string; lists: () => string[][] } {
  const out = join(dir, "modules");
  const preload = join(dir, at === "exit" ? "modules-at-exit.cjs" : "modules-at-spawn.cjs");
  const write = `fs.writeFileSync(${JSON.stringify(out)} + "." + process.pid, process.moduleLoadList.join("\\n"))`;
  const body =
    at === "exit"
      ? [`process.on("exit", () => { const fs = require("fs"); ${write}; });`]
      : [
          'const fs = require("fs");',
          // Only a supervisor (`run`, warm or not) logs the spawn.
          'if (process.argv.includes("run")) {',
          "  const writeSync = fs.writeSync;",
          "  let done = false;",
          "  fs.writeSync = function (fd, data) {",
          '    if (!done && data != null && String(data).includes(\'"msg":"jupyter spawned"\')) {',
          "      done = true;",
          `      ${write};`,
          "    }",
          "    return writeSync.apply(this, arguments);",
          "  };",
          "}",
        ];
  writeFileSync(preload, `${body.join("\n")}\n`);
  return {
    preload,
    lists: () =>
      readdirSync(dir)
        .filter((f) => f.startsWith("modules."))
        .map((f) => readFileSync(join(dir, f), "utf8").split("\n")),
  };
}
