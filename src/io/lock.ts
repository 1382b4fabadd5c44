// The per-instance start lock (proper-lockfile: mkdir-based, so it also works on an NFS home). A full disk, an
// exceeded quota or a read-only file system is reported as such at once, never as "another jlremote holds it".
import { mkdirSync, realpathSync, rmdirSync, statSync, utimesSync } from "node:fs";
import { ExitCode, JlremoteError, fsErrorText, isStorageError } from "../core/errors.js";
import { monotonicMs } from "./clock.js";

/**
 * The calls proper-lockfile's sync API can make (`mkdirSync` for its `mkdir`…; `realpathSync` only with `realpath`,
 * off here). It copies the object it is given: a copy of all of node:fs runs its lazy getters, which load node's stream
 * and fs/promises modules (~5 ms).
 */
const lockFs = { mkdirSync, realpathSync, rmdirSync, statSync, utimesSync };

/** Release function returned by acquireLock. */
export type Release = () => Promise<void>;

/** Take the lock on `target` (its `.lock` dir), waiting up to about `waitMs` for another holder. */
export async function acquireLock(
  target: string,
  waitMs = 30_000,
  onCompromised: (err: Error) => void = () => {},
): Promise<Release> {
  // Loaded on first use: its graceful-fs patches node:fs (and loads fs streams) at load, ~15 ms that the supervisor,
  // which never locks, paid before spawning Jupyter (README, Benchmark, figure 8).
  const lockfile = (await import("proper-lockfile")).default;
  const deadline = monotonicMs() + waitMs;
  for (;;) {
    try {
      // Synchronous: its mkdir, utimes and stat are each ~0.1 ms, but each hop to libuv's thread pool cost ~1-5 ms on a
      // 2 vCPU VM (an idle pool thread's wake-up): ~5 ms of a start, a foreground run and a job's supervisor. Retries
      // are this loop's own (the sync API takes none); the 10 s mtime update runs the sync calls from its timer.
      const release = lockfile.lockSync(target, {
        fs: lockFs,
        realpath: false,
        stale: 30_000,
        update: 10_000,
        // The default throws from a timer and would crash the process; a compromised lock is reported instead.
        onCompromised,
      });
      return async () => {
        try {
          release();
        } catch {
          // Already released or compromised: nothing left to undo.
        }
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (isStorageError(err)) {
        throw new JlremoteError(
          `cannot take the start lock: ${fsErrorText(err, `${target}.lock`)}; free some space (or ask for more quota) and try again`,
          ExitCode.failure,
          { cause: err },
        );
      }
      if (code !== "ELOCKED")
        throw new JlremoteError(
          `cannot take the start lock ${target}.lock: ${(err as Error).message}`,
          ExitCode.failure,
          { cause: err },
        );
      if (monotonicMs() >= deadline) {
        throw new JlremoteError(
          `another jlremote holds ${target}.lock (timed out after ${Math.round(waitMs / 1000)} s); try again, or remove it if no jlremote runs`,
          ExitCode.failure,
          { cause: err },
        );
      }
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 150));
    }
  }
}
