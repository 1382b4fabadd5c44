// A request for new credentials (`jlremote restart --new-credentials`, or jllocal when another user took a local
// port a browser tab pointed at): a file in the instance's private dir, taken by the supervisor at its next start or
// restart, which then replaces the token and the cookie secret before Jupyter serves again.
import { unlinkSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.js";

function requestFile(instanceDir: string): string {
  return join(instanceDir, "new-credentials");
}

/** Ask the instance's supervisor for new credentials at its next start or restart. */
export function requestNewCredentials(instanceDir: string): void {
  writeFileAtomic(requestFile(instanceDir), `${new Date().toISOString()}\n`, 0o600);
}

/** Take a pending request (removes it): true when there was one (or one that cannot be removed: the safe side). */
export function takeCredentialsRequest(instanceDir: string): boolean {
  try {
    unlinkSync(requestFile(instanceDir));
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
