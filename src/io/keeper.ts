// The keeper (python/jlremote_keeper.py): a child subreaper that spawns Jupyter for the supervisor and reaps
// every orphan, so kernels outlive a crashed Jupyter and no zombie is left (libuv reaps only its own children).
import type { ChildProcess } from "node:child_process";
import type { ProcessIdentity } from "../core/types.js";
import type { JupyterChild } from "./jupyter-process.js";
import { identify } from "./process-identity.js";
import { spawnKeeperProcess } from "./keeper-process.js";

type Exit = { code: number | null; signal: NodeJS.Signals | null };
type Event = { event: string; pid?: number; code?: number | null; signal?: string | null; message?: string };

/** A running keeper. */
export interface Keeper {
  identity: ProcessIdentity;
  /**
   * Spawn Jupyter as the keeper's child, its stdout and stderr appended to `logFile` (opened by the keeper for each
   * spawn); rejects like child_process.spawn when it cannot run.
   */
  spawnJupyter(
    jupyter: string,
    args: string[],
    cwd: string,
    env: Record<string, string>,
    logFile: string,
  ): Promise<JupyterChild>;
  /** Ask the keeper to exit now (orphans left then go to init) and wait for it, bounded. */
  quit(): Promise<void>;
}

/** Why there is no keeper (for the supervisor's log). */
export interface NoKeeper {
  failed: string;
}

/** Start the keeper with `python`; NoKeeper when it cannot run (no python, prctl refused): kernels then end with Jupyter. */
export function startKeeper(python: string, script: string): Promise<Keeper | NoKeeper> {
  return attachKeeper(spawnKeeperProcess(python, script));
}

/** Speak the keeper's protocol with a keeper process (io/keeper-process.ts), spawned now or ahead; NoKeeper as above. */
export function attachKeeper(child: ChildProcess): Promise<Keeper | NoKeeper> {
  return new Promise((resolve) => {
    // Its last words (a Python too old, a missing module) until it is ready.
    let lastWords = "";
    child.stderr?.on("data", (d: Buffer) => {
      lastWords = (lastWords + d.toString("utf8")).slice(-1000);
    });
    const failed = (why: string) => resolve({ failed: lastWords.trim() ? `${why}: ${lastWords.trim()}` : why });
    // A keeper started ahead may be gone by now (its exit and error events then fired before anyone listened).
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      failed(child.pid === undefined ? "could not be started" : "exited before it was used");
      return;
    }
    const exits = new Map<number, (e: Exit) => void>();
    const early = new Map<number, Exit>();
    let pending: ((e: Event) => void) | null = null;
    const gone = new Promise<void>((res) => child.once("exit", () => res()));
    child.once("error", (err) => failed(err.message));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      failed("not ready within 10 s");
    }, 10_000);
    // Its output closed before a ready line: it died (its exit event may have come before this listener).
    child.stdout?.once("close", () => {
      clearTimeout(timer);
      failed("exited before it was ready");
    });
    onLines(child, (line) => {
      let ev: Event;
      try {
        ev = JSON.parse(line) as Event;
      } catch {
        return;
      }
      if (ev.event === "ready") {
        clearTimeout(timer);
        const identity = child.pid === undefined ? null : identify(child.pid);
        // From its first spawn on, it writes to Jupyter's log.
        child.stderr?.destroy();
        if (identity === null) failed("gone after its ready line");
        else resolve(keeper(identity));
      } else if (ev.event === "exit" && ev.pid !== undefined) {
        const e = { code: ev.code ?? null, signal: (ev.signal ?? null) as NodeJS.Signals | null };
        const done = exits.get(ev.pid);
        if (done) done(e);
        else early.set(ev.pid, e);
      } else if (ev.event === "spawned" || ev.event === "spawn-error") {
        pending?.(ev);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      failed(`exited (${signal ?? `code ${code}`})`);
    });

    function keeper(identity: ProcessIdentity): Keeper {
      let queue = Promise.resolve();
      return {
        identity,
        spawnJupyter(jupyter, args, cwd, env, logFile) {
          const run = queue.then(
            () =>
              new Promise<JupyterChild>((res, rej) => {
                pending = (ev) => {
                  pending = null;
                  if (ev.event !== "spawned" || ev.pid === undefined) {
                    rej(new Error(ev.message ?? "spawn failed"));
                    return;
                  }
                  const pid = ev.pid;
                  const exited = new Promise<Exit>((r) => {
                    const e = early.get(pid);
                    if (e) r(e);
                    else exits.set(pid, r);
                  });
                  // The keeper going away (killed) loses the exit status: watch the process itself then.
                  void gone.then(async () => {
                    while (identify(pid) !== null) await new Promise((w) => setTimeout(w, 250));
                    exits.get(pid)?.({ code: null, signal: null });
                  });
                  const id = identify(pid) ?? { pid, startTime: -1, host: "", bootId: "" };
                  res({ identity: id, exited });
                };
                if (child.stdin === null || child.exitCode !== null || child.signalCode !== null) {
                  pending = null;
                  rej(new Error("the keeper is gone"));
                  return;
                }
                child.stdin.write(
                  `${JSON.stringify({ op: "spawn", argv: [jupyter, ...args], cwd, env, log: logFile })}\n`,
                );
              }),
          );
          queue = run.then(
            () => undefined,
            () => undefined,
          );
          return run;
        },
        async quit() {
          try {
            child.stdin?.end(`${JSON.stringify({ op: "quit" })}\n`);
          } catch {
            /* already gone */
          }
          await Promise.race([gone, new Promise((r) => setTimeout(r, 2000).unref())]);
          child.stdout?.destroy();
          child.unref();
        },
      };
    }
  });
}

/** Each line of the child's stdout (node:readline would cost the supervisor ~4 ms of its start, its V8 flags). */
function onLines(child: ChildProcess, line: (text: string) => void): void {
  let rest = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) line(p);
  });
}
