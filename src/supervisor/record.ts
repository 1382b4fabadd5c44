// The supervisor's state record: the one it claims at start, and the one it leaves when it gives up.
import { randomHex } from "../io/random.js";
import { join } from "node:path";
import { ExitCode, JlremoteError } from "../core/errors.js";
import type { InstanceOptions, StateRecord } from "../core/types.js";
import { identify, hostName } from "../io/process-identity.js";
import type { SupervisorContext } from "./context.js";
import type { StateWriter } from "./state-writer.js";

/** What the initial record is made from. */
export type RecordSource = Pick<SupervisorContext, "adopt" | "resume" | "paths" | "version">;

/** The record a new supervisor claims: a fresh one, or what it adopts or resumes (same token, marker, job). */
export function initialRecord(ctx: RecordSource, options: InstanceOptions): StateRecord {
  const a = ctx.adopt;
  return {
    schema: 1,
    name: options.name,
    state: a ? "running" : "starting",
    host: hostName(),
    supervisor: identify(process.pid),
    jupyter: a?.jupyter ?? null,
    port: a ? a.port : null,
    socket: a ? a.socket : options.sock ? join(ctx.paths.dir, "jupyter.sock") : null,
    instanceId: a?.instanceId ?? ctx.resume?.instanceId ?? randomHex(16),
    detachedProcesses: a?.detachedProcesses ?? 0,
    token: a?.token ?? ctx.resume?.token ?? randomHex(24),
    app: options.app,
    options,
    baseUrl: a?.baseUrl ?? null,
    listenerVerifiedAt: a?.listenerVerifiedAt ?? null,
    startedAt: a?.startedAt ?? null,
    restarts: a?.restarts ?? 0,
    reloads: 0,
    lastExit: a?.lastExit ?? null,
    reason: null,
    logFile: ctx.paths.logFile,
    jupyterLogFile: ctx.paths.jupyterLogFile,
    version: ctx.version,
    updatedAt: new Date().toISOString(),
    heartbeatAt: null,
    // A supervisor run again inside the same batch job keeps what the job recorded (warning, end time).
    ...(a?.job ? { job: a.job, listenHost: a.listenHost ?? null } : {}),
    keepers: a?.keepers ?? [],
    adoption: a?.adoption ?? null,
  };
}

/** Record the supervisor's failure and the error it exits with. */
export function giveUp(writer: StateWriter, reason: string, cause?: unknown): JlremoteError {
  writer.update({ state: "failed", reason, jupyter: null });
  const code = cause instanceof JlremoteError ? cause.exitCode : ExitCode.failure;
  return new JlremoteError(reason, code, { cause });
}
