// The supervisor's first steps: claim the state file, listen for signals, enter a batch job, prepare a fresh start.
import type { CredentialKeeper } from "./credentials.js";
import type pino from "pino";
import { ExitCode, JlremoteError, fsErrorText } from "../core/errors.js";
import type { InstanceOptions } from "../core/types.js";
import { cleanupInstance } from "../io/instance-shutdown.js";
import { closeQuietly } from "../io/logs.js";
import { removeStaleSocket } from "../io/socket-file.js";
import type { SupervisorContext } from "./context.js";
import { startJobMode, type JobMode } from "./job-mode.js";
import { choosePort } from "./port-choice.js";
import { giveUp, initialRecord } from "./record.js";
import { recordCleanup } from "./run-end.js";
import { StateWriter } from "./state-writer.js";
import { Wakeup } from "./wakeup.js";
import type { KernelKeeping } from "./kernel-keeping.js";

/** Write the first record; a supervisor no command could see must not run Jupyter (nothing is started yet). */
export function claim(ctx: SupervisorContext, options: InstanceOptions): StateWriter {
  const writer = new StateWriter(ctx.paths.stateFile, initialRecord(ctx, options), ctx.log);
  try {
    writer.claim();
  } catch (err) {
    const reason = `cannot record the instance: ${fsErrorText(err, ctx.paths.stateFile)}`;
    ctx.log.error({ err: reason }, "supervisor cannot record itself; exiting");
    throw new JlremoteError(reason, ExitCode.failure, { cause: err });
  }
  return writer;
}

/** `claim` after the keeper was started: when the claim fails, that keeper goes (no other) and Jupyter's log is closed. */
export function claimOrLetGo(
  ctx: SupervisorContext,
  options: InstanceOptions,
  keeperStarting: Promise<KernelKeeping>,
  logFd: number,
): StateWriter {
  try {
    return claim(ctx, options);
  } catch (err) {
    closeQuietly(logFd); // the keeper opens the log itself
    void keeperStarting.then((k) => k.letGo()).catch(() => {});
    throw err;
  }
}

/**
 * SIGTERM/SIGINT stop, SIGUSR2 restarts, SIGHUP is ignored; `terminated` tells a SIGTERM (a job's end) apart. A job's
 * `ending` signal (InJob.endingSignal: the scheduler's "the job ends now") stops like SIGTERM and restarts nothing.
 */
export function listen(
  log: pino.Logger,
  ending?: NodeJS.Signals,
): { wake: Wakeup; terminated: () => boolean; dispose: () => void } {
  const wake = new Wakeup();
  let terminated = false;
  const onTerm = () => wake.fire("stop");
  const onSigterm = () => {
    terminated = true;
  };
  const onUsr2 = () => wake.fire("restart");
  const onHup = () => log.info("SIGHUP ignored");
  const onEnding = () => {
    log.warn({ signal: ending }, "the scheduler ends the job now; stopping");
    onSigterm();
    onTerm();
  };
  const restartBy = ending === "SIGUSR2" ? null : "SIGUSR2";
  process.on("SIGTERM", onTerm).on("SIGINT", onTerm).on("SIGHUP", onHup);
  if (restartBy) process.on(restartBy, onUsr2);
  if (ending) process.on(ending, onEnding);
  process.on("SIGTERM", onSigterm);
  return {
    wake,
    terminated: () => terminated,
    dispose() {
      process.off("SIGTERM", onSigterm);
      process.off("SIGTERM", onTerm).off("SIGINT", onTerm).off("SIGHUP", onHup);
      if (restartBy) process.off(restartBy, onUsr2);
      if (ending) {
        process.off(ending, onEnding);
        // The scheduler may repeat its last notice (Grid Engine signals the process group and the job's group id)
        // while the supervisor finishes: it must not kill the process with the default action.
        process.on(ending, () => {});
      }
    },
  };
}

/** A batch job's listen address, looked up at once (a name lookup: tens of ms) while the first steps run; null outside a job. */
export function lookUpListenAddress(ctx: SupervisorContext): Promise<string> | null {
  const address = ctx.job ? (ctx.listenAddress ?? ctx.job.listenAddress()) : null;
  address?.catch(() => {}); // awaited (and its error given up on) in enterJob
  return address;
}

/** A batch job: listen where the login node can reach us (the token guards it), tell readers we live. */
export async function enterJob(
  ctx: SupervisorContext,
  writer: StateWriter,
  address: Promise<string> | null,
): Promise<JobMode | null> {
  if (!ctx.job || !address) return null;
  try {
    // Written with the job's first record by startJobMode (one fsync fewer before Jupyter's spawn).
    writer.stage({ listenHost: await address });
  } catch (err) {
    throw giveUp(writer, (err as Error).message, err);
  }
  return startJobMode(writer, ctx.job, ctx.env, ctx.log);
}

/** Before the first spawn: a crashed instance's leftovers go, then the socket is cleared or a port chosen. */
export async function prepareFresh(
  ctx: SupervisorContext,
  options: InstanceOptions,
  writer: StateWriter,
  host: string | undefined,
  portBase: number,
  credentials: CredentialKeeper,
): Promise<void> {
  if (ctx.resume?.instanceId) {
    // A crashed instance (supervisor and Jupyter gone): its kernels and children go before a new Jupyter starts.
    recordCleanup(writer, ctx.log, await cleanupInstance(ctx.resume.instanceId, 0), "left by the crashed instance");
  }
  try {
    if (options.sock) removeStaleSocket(writer.record.socket as string);
    else {
      const previous = ctx.resume?.port ?? null;
      const port = await choosePort(options, previous, host, portBase);
      // Recorded with the spawned Jupyter, in the same write.
      writer.stage({ port });
      // The crashed instance's URL named the old port: whoever holds it now must find nothing usable there.
      if (previous !== null && port !== previous && ctx.resume?.token)
        credentials.rotate(`port ${previous} was taken; moved to ${port}`);
    }
  } catch (err) {
    throw giveUp(writer, (err as Error).message, err);
  }
}
