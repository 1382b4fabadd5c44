// `jlremote logs`: the supervisor's events and Jupyter's output, the last N lines of each, optionally followed.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../core/errors.js";
import { renderEventLine } from "../core/log-render.js";
import { tailLines } from "../io/logs.js";
import { instancePaths } from "../io/paths.js";
import type { CommandContext, NameOption } from "../context.js";

/** Print the last `lines` lines of both logs; with `follow`, keep printing what is appended until interrupted. */
export async function logsCommand(
  flags: NameOption & { lines: number; follow: boolean },
  ctx: CommandContext,
): Promise<ExitCode> {
  const paths = instancePaths(ctx.env, flags.name);
  const sources = [
    { label: "supervisor", file: paths.logFile, render: renderEventLine },
    { label: "jupyter", file: paths.jupyterLogFile, render: (l: string) => l },
    // A batch job's own output (scheduler messages such as "CANCELLED DUE TO TIME LIMIT"), when the instance ran as one.
    ...(existsSync(join(paths.dir, "job.out"))
      ? [{ label: "job", file: join(paths.dir, "job.out"), render: (l: string) => l }]
      : []),
  ];
  for (const s of sources) {
    ctx.out(`==> ${s.label}: ${s.file} <==`);
    const text = tailLines(s.file, flags.lines);
    if (text) for (const line of text.split("\n")) ctx.out(s.render(line));
  }
  if (!flags.follow) return ExitCode.ok;
  const offsets = sources.map((s) => sizeOf(s.file));
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    sources.forEach((s, i) => {
      const size = sizeOf(s.file);
      const from = size < (offsets[i] ?? 0) ? 0 : (offsets[i] ?? 0); // rotated: start over
      if (size <= from) return;
      const chunk = readRange(s.file, from, size - from);
      offsets[i] = from + chunk.length;
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) ctx.out(`${s.label}: ${s.render(line)}`);
    });
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readRange(file: string, from: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
