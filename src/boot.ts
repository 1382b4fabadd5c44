// Entry point of each bundle file (scripts/build.mjs): the only code node parses itself. It runs the file's main
// section (src/io/bundle-sections.ts), whose own entry (cli.ts, jllocal.ts) then maps every error of a command; this
// one maps only a bundle that cannot start (a damaged copy): one line, exit 1, no stack trace.
import { basename } from "node:path";
import { errorOutcome } from "./core/errors.js";
import { bootBundle } from "./io/bundle-sections.js";

/** The file's text as node read it, when the build's banner took it from node's module wrapper (scripts/build.mjs). */
declare const __jlSource: unknown;

try {
  bootBundle(__filename, __dirname, module, require, typeof __jlSource === "string" ? __jlSource : null);
} catch (err) {
  // No regular expression: the boot is parsed at every run, and V8 parses each literal's pattern with it.
  const file = basename(__filename);
  const name = file.endsWith(".cjs") ? file.slice(0, -4) : file.endsWith(".js") ? file.slice(0, -3) : file;
  const { lines, exitCode } = errorOutcome(name, err);
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exitCode = exitCode;
}
