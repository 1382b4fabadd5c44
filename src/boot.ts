// Entry point of each bundle file (scripts/build.mjs): the only code node parses itself. It runs the file's main
// section (src/io/bundle-sections.ts), whose own entry (cli.ts, jllocal.ts) then maps every error of a command; this
// one maps only a bundle that cannot start (a damaged copy): one line, exit 1, no stack trace.
import { basename } from "node:path";
import { errorOutcome } from "./core/errors.js";
import { bootBundle } from "./io/bundle-sections.js";

/**
 * The arrow function the build writes after the boot, whose body spans the file's sections (scripts/build.mjs,
 * bundleFile): its text is theirs, a slice of the string node read the file into (V8 copies nothing). Assigned once the
 * file's top level has run past the boot, hence the boot's wait for a microtask; a copy cut short in the sections
 * leaves an arrow without them, and the boot reads the file (and says it is damaged).
 */
declare const __jlSections: unknown;

/** Run the main section; a bundle that cannot start is one line on stderr and exit 1. */
function boot(): void {
  try {
    bootBundle(
      __filename,
      __dirname,
      module,
      require,
      typeof __jlSections === "function" ? String(__jlSections) : null,
    );
  } catch (err) {
    // No regular expression: the boot is parsed at every run, and V8 parses each literal's pattern with it.
    const file = basename(__filename);
    const name = file.endsWith(".cjs") ? file.slice(0, -4) : file.endsWith(".js") ? file.slice(0, -3) : file;
    const { lines, exitCode } = errorOutcome(name, err);
    for (const line of lines) process.stderr.write(`${line}\n`);
    process.exitCode = exitCode;
  }
}

void Promise.resolve().then(boot);
