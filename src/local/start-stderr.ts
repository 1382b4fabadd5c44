// What jllocal does with the remote start's stderr as it comes: a queued job's progress lines, and the early line.
import { parseEarlyTarget } from "../core/early-target.js";
import type { ForwardTarget } from "../core/ssh-command.js";
import type { LocalContext } from "./context.js";

/**
 * The stderr handler of a remote start (undefined when nothing is read as it comes): a queued job's progress is
 * relayed; the first early line goes to `early`. Error lines are said once, by the failure after the command.
 */
export function startStderr(
  host: string,
  queued: boolean,
  early: ((target: ForwardTarget) => void) | undefined,
  ctx: Pick<LocalContext, "err">,
): ((chunk: string) => void) | undefined {
  if (!queued && early === undefined) return undefined;
  let tell = early;
  return relayLines((l) => {
    const target = tell === undefined ? null : parseEarlyTarget(l);
    if (target !== null) {
      tell?.(target);
      tell = undefined;
    } else if (queued && isProgress(l)) ctx.err(`jllocal: ${host}: ${l.replace(/^jlremote: /, "")}`);
  });
}

/** A progress line of a queued start (`job 42: PENDING (Priority), 3 s`, `submitted batch job 42 …`), not an error. */
function isProgress(line: string): boolean {
  return /^(jlremote: )?(job \d+: |submitted batch job )/.test(line);
}

/** Calls `emit` once per complete line of a stream of chunks. */
function relayLines(emit: (line: string) => void): (chunk: string) => void {
  let buf = "";
  return (chunk) => {
    buf += chunk;
    const lines = buf.split(/\r?\n/);
    buf = lines.pop() ?? "";
    for (const l of lines) if (l.trim() !== "") emit(l);
  };
}
