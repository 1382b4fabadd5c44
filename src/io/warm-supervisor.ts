// Both ends of the warm supervisor (src/core/warm-supervisor.ts): start spawns it and later hands it the run argv;
// the warm process compiles the command tree meanwhile and waits for that go line on stdin.
import { type ChildProcess, spawn } from "node:child_process";
import { read } from "node:fs";
import {
  decodeGo,
  encodeGo,
  sameSpawnEnv,
  supervisorSpawnEnv,
  WARM_USABLE_MS,
  warmArgsFor,
  type WarmGo,
  type WarmSupervisor,
} from "../core/warm-supervisor.js";
import { withSupervisorFlags } from "./supervisor-argv.js";
import { monotonicMs } from "./clock.js";
import { unrefWithPipes } from "./child-refs.js";

type Env = Record<string, string | undefined>;

/** A warm supervisor for this command line when it is a start that will likely spawn one here, else undefined. */
export function warmSupervisorFor(
  argv: readonly string[],
  self: readonly string[],
  env: Env,
): WarmSupervisor<ChildProcess> | undefined {
  const args = warmArgsFor(argv);
  return args === null ? undefined : spawnWarmSupervisor(withSupervisorFlags(self), args, supervisorSpawnEnv(env));
}

/**
 * Spawn `prefix` (node, supervisor flags, bundle) with `args` (`run --warm …`) in its own session: no inherited stdout
 * (an `ssh host jlremote start` would hang on it), stdin its go channel, stderr for start to read its last words.
 */
function spawnWarmSupervisor(
  prefix: readonly string[],
  args: readonly string[],
  env: Env,
): WarmSupervisor<ChildProcess> {
  const [cmd, ...pre] = prefix as [string, ...string[]];
  const bornAt = monotonicMs();
  let child: ChildProcess | null = spawn(cmd, [...pre, ...args], {
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["pipe", "ignore", "pipe"],
  });
  child.on("error", () => {}); // a failed spawn: launch() sees no pid and start spawns afresh
  child.stdin?.on("error", () => {}); // it died meanwhile: its exit is what start reports
  // Start's exit must not wait for it: unused, it sees EOF when start is gone.
  unrefWithPipes(child);
  // Unused, it is let go by closing its stdin (it exits at that EOF).
  const release = () => {
    child?.stdin?.end();
    child?.stderr?.destroy();
    child = null;
  };
  return {
    launch(argv0, spawnEnv, go) {
      const c = child;
      const usable =
        c !== null &&
        c.pid !== undefined &&
        c.exitCode === null &&
        c.signalCode === null &&
        monotonicMs() - bornAt < WARM_USABLE_MS &&
        JSON.stringify(argv0) === JSON.stringify(prefix) &&
        sameSpawnEnv(spawnEnv, env);
      if (!usable) {
        release();
        return null;
      }
      child = null;
      c.stdin?.end(encodeGo(go));
      return c;
    },
    letGo: release,
  };
}

/**
 * The warm process's side: `preload` (the command tree's compile) runs while stdin is read; resolves to the go line,
 * or null at EOF without one or after `timeoutMs` (the caller then exits, having done nothing).
 */
export async function awaitGo(preload: () => Promise<unknown>, timeoutMs: number): Promise<WarmGo | null> {
  const text = readAllStdin();
  await preload();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((r) => {
    timer = setTimeout(() => r(""), timeoutMs);
  });
  try {
    return decodeGo(await Promise.race([text, timeout]));
  } finally {
    clearTimeout(timer);
  }
}

/** fd 0 until EOF (at most 64 KB), read off the main thread. */
function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve) => {
    const next = () =>
      read(0, Buffer.alloc(16_384), 0, 16_384, null, (err, n, buf) => {
        // A non-blocking pipe end (not what libuv gives a child, but possible): try again shortly.
        if (err?.code === "EAGAIN") return void setTimeout(next, 2);
        if (err || n === 0 || size + n > 65_536) return resolve(Buffer.concat(chunks).toString("utf8"));
        chunks.push(buf.subarray(0, n));
        size += n;
        next();
      });
    next();
  });
}
