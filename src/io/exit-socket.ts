// A process's exit made awaitable without polling (node has no pidfd): the process listens on a Unix socket for its
// lifetime; a watcher connects, and its connection closes when the process exits: at its 'exit' event (its work is
// done), or when the kernel closes it (killed). The kernel closes a process's files only after it unmapped its memory
// (~10–20 ms for a supervisor's), so the watcher is told at 'exit' and polls the last ms of the teardown itself.
import { lstatSync, unlinkSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
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
  const watchers = new Set<Socket>();
  const server = createServer((c) => {
    c.on("error", () => {});
    c.unref();
    watchers.add(c);
    c.once("close", () => watchers.delete(c));
  });
  server.on("error", () => {});
  server.listen(path);
  server.unref();
  // First of the 'exit' listeners (a code cache may be saved after); destroy() closes the descriptor at once.
  process.prependOnceListener("exit", () => {
    for (const c of watchers) c.destroy();
  });
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
