// Runs commands with wall-clock timing, interleaves compared commands, and summarizes samples.
import { spawn } from "node:child_process";
import { now } from "./proc.mjs";

/** Run argv to completion (`input`: written to its stdin); resolves with { ms (spawn to exit), t0, tExit (hrtime ms), code, stdout, stderr }. */
export function timed(argv, { env, cwd, timeoutMs = 60_000, track, input } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(argv[0], argv.slice(1), {
      env,
      cwd,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) child.stdin.end(input);
    track?.add(child.pid);
    let stdout = "";
    let stderr = "";
    let ms = 0;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("exit", () => {
      ms = now() - t0;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      track?.delete(child.pid);
      resolve({ ms, t0, tExit: t0 + ms, code, signal, stdout, stderr });
    });
  });
}

/** Run `warmup` untimed rounds, then `rounds` rounds of every step in order (A B A B …); returns samples per step. */
export async function interleave(steps, rounds, warmup = 2) {
  const samples = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
  for (let i = 0; i < warmup + rounds; i += 1) {
    for (const [k, step] of Object.entries(steps)) {
      const ms = await step();
      if (i >= warmup) samples[k].push(ms);
    }
  }
  return samples;
}

/** Median of a list of numbers (null when empty). */
export function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Throw with the command's own words when a measured run did not succeed. */
export function expectOk(r, what) {
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code ?? r.signal}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return r;
}
