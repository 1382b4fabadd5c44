// The supervisor's first steps: claim the state file, listen for signals, enter a batch job, prepare a fresh start.
import type pino from "pino";
import { ExitCode, JlremoteError, fsErrorText } from "../core/errors.js";
import type { InstanceOptions } from "../core/types.js";
import { cleanupInstance } from "../io/instance-shutdown.js";
import { removeStaleSocket } from "../io/socket-file.js";
import type { SupervisorContext } from "./context.js";
import { startJobMode, type JobMode } from "./job-mode.js";
import { choosePort } from "./port-choice.js";
import { giveUp, initialRecord } from "./record.js";
import { recordCleanup } from "./run-end.js";
import { StateWriter } from "./state-writer.js";
import { Wakeup } from "./wakeup.js";

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

/** SIGTERM/SIGINT stop, SIGUSR2 restarts, SIGHUP is ignored; `terminated` tells a SIGTERM (a job's end) apart. */
export function listen(log: pino.Logger): { wake: Wakeup; terminated: () => boolean; dispose: () => void } {
  const wake = new Wakeup();
  let terminated = false;
  const onTerm = () => wake.fire("stop");
  const onSigterm = () => {
    terminated = true;
  };
  const onUsr2 = () => wake.fire("restart");
  const onHup = () => log.info("SIGHUP ignored");
  process.on("SIGTERM", onTerm).on("SIGINT", onTerm).on("SIGUSR2", onUsr2).on("SIGHUP", onHup);
  process.on("SIGTERM", onSigterm);
  return {
    wake,
    terminated: () => terminated,
    dispose() {
      process.off("SIGTERM", onSigterm);
      process.off("SIGTERM", onTerm).off("SIGINT", onTerm).off("SIGUSR2", onUsr2).off("SIGHUP", onHup);
    },
  };
}

/** A batch job: listen where the login node can reach us (the token guards it), tell readers we live. */
export async function enterJob(ctx: SupervisorContext, writer: StateWriter): Promise<JobMode | null> {
  if (!ctx.job) return null;
  try {
    writer.update({ listenHost: await ctx.job.listenAddress() });
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
): Promise<void> {
  if (ctx.resume?.instanceId) {
    // A crashed instance (supervisor and Jupyter gone): its kernels and children go before a new Jupyter starts.
    recordCleanup(writer, ctx.log, await cleanupInstance(ctx.resume.instanceId, 0), "left by the crashed instance");
  }
  try {
    if (options.sock) removeStaleSocket(writer.record.socket as string);
    else writer.update({ port: await choosePort(options, ctx.resume?.port ?? null, host, portBase) });
  } catch (err) {
    throw giveUp(writer, (err as Error).message, err);
  }
}
