// The per-instance start lock (proper-lockfile: mkdir-based, so it also works on an NFS home).
import lockfile from "proper-lockfile";
import { ExitCode, JlremoteError } from "../core/errors.js";

/** Release function returned by acquireLock. */
export type Release = () => Promise<void>;

/** Take the lock on `target` (its `.lock` dir), waiting up to about `waitMs` for another holder. */
export async function acquireLock(target: string, waitMs = 30_000, onCompromised: (err: Error) => void = () => {}): Promise<Release> {
  const retries = Math.max(1, Math.ceil(waitMs / 250));
  try {
    const release = await lockfile.lock(target, {
      realpath: false,
      stale: 30_000,
      update: 10_000,
      retries: { retries, factor: 1, minTimeout: 100, maxTimeout: 250 },
      // The default throws from a timer and would crash the process; a compromised lock is reported instead.
      onCompromised,
    });
    return async () => {
      try {
        await release();
      } catch {
        // Already released or compromised: nothing left to undo.
      }
    };
  } catch (err) {
    throw new JlremoteError(
      `another jlremote holds ${target}.lock (timed out after ${Math.round(waitMs / 1000)} s); try again, or remove it if no jlremote runs`,
      ExitCode.failure,
      { cause: err },
    );
  }
}
