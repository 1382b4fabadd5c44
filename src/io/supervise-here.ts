// jllocal's cold start in one remote process: the status that found its instance not running starts it, and start's
// supervisor runs in this same process (no second node start, the command tree compiled once). Its exit code goes on
// the answer fd the cold path's shell line reads (src/core/ssh-command.ts); then stdout and stderr are given up, so
// ssh's session ends while the process goes on supervising.
import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import type { ExitCode } from "../core/errors.js";
import { unparkAfterNodeStart } from "../core/node-startup-env.js";
import { ANSWER_FD_ENV } from "../core/ssh-command.js";
import { supervisorSpawnEnv, type EarlyKeeper, type WarmSupervisor } from "../core/warm-supervisor.js";
import { letKeeperGo } from "./keeper-process.js";
import { superviseInThisNode } from "./young-generation.js";

/**
 * The answer fd the shell line passed (fd 3, its pipe), reopened close-on-exec so that no child keeps it (fd 3 is
 * closed); fd 3 itself when it cannot be reopened (a socket, as node's own `pipe` stdio gives, or a pipe without
 * reader: the write then fails quietly); null when the variable is not set or fd 3 is no pipe or socket. The variable
 * is removed from `env`.
 */
export function takeAnswerFd(env: Record<string, string | undefined>): number | null {
  const value = env[ANSWER_FD_ENV];
  delete env[ANSWER_FD_ENV];
  if (value !== "3") return null;
  // Only a pipe (or a socket) is an answer channel: fd 3 open on anything else is not ours to write to.
  let st: ReturnType<typeof fstatSync>;
  try {
    st = fstatSync(3);
  } catch {
    return null;
  }
  if (st.isSocket()) return 3;
  if (!st.isFIFO()) return null;
  try {
    // Non-blocking: a pipe whose reader is gone fails here (ENXIO) instead of waiting for one.
    const fd = openSync("/proc/self/fd/3", constants.O_WRONLY | constants.O_NONBLOCK);
    closeSync(3);
    return fd;
  } catch {
    return 3;
  }
}

/** Write the exit code on the answer fd and close it: the shell line exits with it. */
export function answer(fd: number, code: ExitCode): void {
  try {
    writeSync(fd, `${code}\n`);
  } catch {
    /* the reader is gone: jllocal went away */
  }
  try {
    closeSync(fd);
  } catch {
    /* closed */
  }
}

/**
 * Give up stdout and stderr (ssh's channel): each becomes /dev/null (the lowest free fd: the one just closed), so the
 * session ends. The caller has no write of its own pending on them (stdout's rest awaited; stderr is synchronous).
 */
export function leaveSession(): void {
  for (const fd of [1, 2]) {
    closeSync(fd);
    openSync("/dev/null", "w");
  }
}

/** What superviseHere needs of a command's context (src/context.ts). */
export interface HereContext {
  env: Record<string, string | undefined>;
  cwd: string;
  earlyKeeper?: EarlyKeeper<ChildProcess>;
}

/** The supervisor run in this process once start launched it. */
export interface HereSupervisor {
  /** What start's detached backend launches its supervisor with (in place of a warm process). */
  warm: WarmSupervisor<ChildProcess>;
  /** The supervisor's run (its exit code) once launched, else null. */
  running(): Promise<ExitCode> | null;
}

/**
 * A launcher that runs start's `run` argv in this process (`run`: the command tree's runner, already compiled by
 * start) with the supervisor's environment, and `early` as its keeper. Start sees a child whose PID is this process's.
 */
export function superviseHere<C extends HereContext>(
  ctx: C,
  run: (argv: string[], ctx: C) => Promise<ExitCode>,
  early: EarlyKeeper<ChildProcess> | null,
): HereSupervisor {
  let running: Promise<ExitCode> | null = null;
  return {
    running: () => running,
    warm: {
      launch(_argv0, _env, go) {
        if (running !== null) return null;
        process.chdir(go.cwd);
        const env = supervisorSpawnEnv(ctx.env);
        unparkAfterNodeStart(env);
        superviseInThisNode();
        const child = new EventEmitter() as ChildProcess & EventEmitter;
        const stderr = Object.assign(new EventEmitter(), { destroy: () => {} });
        Object.assign(child, { pid: process.pid, stderr, exitCode: null, signalCode: null, unref: () => child });
        running = run(go.argv, { ...ctx, cwd: go.cwd, env, earlyKeeper: early ?? undefined });
        // Start waits for the claim; a supervisor that ends before it reads as a child that exited, with its reason.
        running.then(
          (code) => {
            child.emit("exit", code, null);
            child.emit("close", code, null);
          },
          (err: unknown) => {
            stderr.emit("data", Buffer.from(`jlremote: ${(err as Error).message}\n`));
            child.emit("exit", 1, null);
            child.emit("close", 1, null);
          },
        );
        return child;
      },
      letGo: () => {
        if (early !== null) letKeeperGo(early);
      },
    },
  };
}
