// Recognizes the argv of `status`/`url` calls that need no option parser (the path `jllocal` takes over ssh).

/** A status or url call with only --json and --name. */
export interface FastStatusArgs {
  command: "status" | "url";
  name: string;
  json: boolean;
}

/** The call, or null when anything else is on the command line (then yargs parses it, help and errors included). */
export function parseFastStatus(argv: readonly string[]): FastStatusArgs | null {
  const [command, ...rest] = argv;
  if (command !== "status" && command !== "url") return null;
  const out: FastStatusArgs = { command, name: "default", json: false };
  for (let i = 0; i < rest.length; i += 1) {
    const a = rest[i] as string;
    if (a === "--json" && command === "status") out.json = true;
    else if (a === "--name" && i + 1 < rest.length && !(rest[i + 1] as string).startsWith("-")) out.name = rest[(i += 1)] as string;
    else if (a.startsWith("--name=") && a.length > "--name=".length) out.name = a.slice("--name=".length);
    else return null;
  }
  return out;
}
