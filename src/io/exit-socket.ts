// A process's exit made awaitable without polling (node has no pidfd): the process listens on a Unix socket for its
// lifetime; a watcher connects, and its connection closes the moment the process exits and the kernel closes it.
import { lstatSync, unlinkSync } from "node:fs";
import { connect, createServer } from "node:net";
import { maxSocketPath } from "./socket-file.js";

/** The supervisor's socket in its instance dir (private: the dir is 0700 and checked by every command). */
export const EXIT_SOCKET = "supervisor.sock";

/** Listen on `path` until this process exits, never keeping it alive; quietly nothing when it cannot. */
export function holdExitSocket(path: string): void {
  if (Buffer.byteLength(path) > maxSocketPath) return;
  try {
    // Only a socket left by an earlier supervisor is replaced.
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // Absent.
  }
  const server = createServer((c) => {
    c.on("error", () => {});
    c.unref();
  });
  server.on("error", () => {});
  server.listen(path);
  server.unref();
}

/** A connection to a process's exit socket: `gone(ms)` is true once it closed (the process exited) within `ms`. */
export interface ExitWatch {
  gone(timeoutMs: number): Promise<boolean>;
}

/** Connect to the exit socket at `path`; null when no process holds it (absent, stale, path too long). */
export function watchExit(path: string): Promise<ExitWatch | null> {
  if (Buffer.byteLength(path) > maxSocketPath) return Promise.resolve(null);
  return new Promise((resolve) => {
    const sock = connect(path);
    let closed = false;
    const waiters: (() => void)[] = [];
    sock.on("close", () => {
      closed = true;
      for (const w of waiters.splice(0)) w();
    });
    sock.on("data", () => {});
    // Before the connect: nothing listens (resolves null); after it: the reset of an exit, followed by "close".
    sock.on("error", () => resolve(null));
    sock.once("connect", () =>
      resolve({
        gone: (timeoutMs) =>
          new Promise<boolean>((done) => {
            if (closed) return done(true);
            const timer = setTimeout(() => {
              sock.destroy();
              done(false);
            }, timeoutMs);
            waiters.push(() => {
              clearTimeout(timer);
              done(true);
            });
          }),
      }),
    );
  });
}
