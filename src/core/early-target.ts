// The early line of `jlremote start` (asked for by jllocal): where Jupyter will listen, on stderr, before it answers.
import type { ForwardTarget } from "./ssh-command.js";

/**
 * Environment variable (value `1`) that asks `jlremote start` for EARLY_TARGET_PREFIX lines on stderr. A jlremote that
 * does not know it prints none (jllocal then forwards after start's result, as before); stdout is unchanged.
 */
export const EARLY_TARGET_ENV = "JLREMOTE_EARLY_TARGET";

/** What the early line starts with; a JSON object follows: `{"socket":PATH}` or `{"port":N}` (`"host":ADDR` too). */
export const EARLY_TARGET_PREFIX = "jlremote:target ";

/** The early line for a target. */
export function earlyTargetLine(target: ForwardTarget): string {
  return `${EARLY_TARGET_PREFIX}${JSON.stringify(target)}`;
}

/** The target of an early line, or null when the line is none (or malformed). */
export function parseEarlyTarget(line: string): ForwardTarget | null {
  const text = line.trim();
  if (!text.startsWith(EARLY_TARGET_PREFIX)) return null;
  let o: unknown;
  try {
    o = JSON.parse(text.slice(EARLY_TARGET_PREFIX.length));
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null) return null;
  const { socket, port, host } = o as Record<string, unknown>;
  if (typeof socket === "string" && socket.startsWith("/") && !/[\0\n]/.test(socket)) return { socket };
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  if (host === undefined) return { port };
  return typeof host === "string" && /^[0-9A-Za-z.:-]+$/.test(host) ? { port, host } : null;
}

/** stderr without the early lines (what is left is for the user, and for an error's first line). */
export function withoutEarlyLines(stderr: string): string {
  return stderr
    .split(/(?<=\n)/)
    .filter((l) => !l.startsWith(EARLY_TARGET_PREFIX))
    .join("");
}
