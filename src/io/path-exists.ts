// existsSync's answer through statSync, whose code the bundle's boot has already run (src/io/code-cache.ts): the first
// existsSync of a process costs ~0.05 ms on a slow VM to compile node's code for it (figure 1a: status asks three times).
import { statSync } from "node:fs";

/** Does `path` exist (symlinks followed)? false on any error, as existsSync. */
export function pathExists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}
