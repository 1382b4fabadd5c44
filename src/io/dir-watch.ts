// Waits for a change in a directory (inotify through fs.watch) instead of polling at a fixed interval; falls back
// to a short timer where a watch cannot be had (a watch limit reached, an odd filesystem).
import { type FSWatcher, watch } from "node:fs";

/** A watch on one file of a directory: `next(ms)` resolves at its next change, or after `ms` at the latest. */
export interface DirWatch {
  next(ms: number): Promise<void>;
  close(): void;
}

/** Poll interval without a watch (what callers did before). */
const fallbackMs = 20;

/** Watch the file `name` in `dir`, also when it is replaced by a rename (as state files are written). */
export function watchFile(dir: string, name: string): DirWatch {
  let changed = false;
  let wake: (() => void) | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      changed = true;
      wake?.();
    });
    watcher.on("error", () => {
      watcher = null;
    });
  } catch {
    watcher = null;
  }
  return {
    next(ms) {
      // A change since the last look counts: the caller re-reads after every wake-up.
      if (changed) {
        changed = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, watcher === null ? Math.min(ms, fallbackMs) : ms);
        function done() {
          clearTimeout(timer);
          wake = null;
          changed = false;
          resolve();
        }
        wake = done;
      });
    },
    close() {
      watcher?.close();
      watcher = null;
      wake = null;
    },
  };
}
