// Renders the supervisor's pino JSON event lines as short human lines for `jlremote logs`.

const skip = new Set(["level", "time", "pid", "hostname", "msg", "name"]);
const levels: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** One event line → "TIME LEVEL msg key=value…"; non-JSON lines pass through unchanged. */
export function renderEventLine(line: string): string {
  let ev: Record<string, unknown>;
  try {
    ev = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (ev === null || typeof ev !== "object") return line;
  const extras = Object.entries(ev)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const level = levels[Number(ev.level)] ?? String(ev.level ?? "");
  return [String(ev.time ?? ""), level, String(ev.msg ?? ""), ...extras].filter((s) => s !== "").join(" ");
}
