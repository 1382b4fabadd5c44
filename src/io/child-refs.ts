// Letting a child process run on without keeping this one alive: the process handle and its pipes unref'd.
import type { ChildProcess } from "node:child_process";

/** Unref `child` and whichever of its stdio pipes exist: this process may exit while the child still runs. */
export function unrefWithPipes(child: ChildProcess): void {
  child.unref();
  // node's pipe sockets have unref(); the stream types do not say so.
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
}
