// Reads one instance's state and checks its PIDs: the fast path behind status, url, list, start and stop.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { buildStatus, type StatusReport } from "../core/status-report.js";
import type { StateRecord } from "../core/types.js";
import { instancePaths, type InstancePaths } from "../io/paths.js";
import { hostName } from "../io/process-identity.js";
import { peekRemembered } from "../io/settings-file.js";
import { distrustDir } from "../io/private-file.js";
import { readState } from "../io/state-file.js";
import { backendFor } from "../backends/choose.js";
import type { CommandContext } from "./context.js";

/** An instance as seen now. */
export interface InstanceView {
  paths: InstancePaths;
  record: StateRecord | null;
  /** Set when state.json exists but cannot be used. */
  corrupt: string | null;
  report: StatusReport;
  supervisorAlive: boolean;
  jupyterAlive: boolean;
}

/** Look at the named instance: state file plus its backend's liveness checks, no network, no daemon. Throws (exit 1) on an untrusted dir or file. */
export function inspect(env: Record<string, string | undefined>, name: string, version: string): InstanceView {
  const paths = instancePaths(env, name);
  const badDir = distrustDir(paths.dir);
  if (badDir !== null) throw new JlremoteError(badDir, ExitCode.failure);
  const read = readState(paths.stateFile);
  if (read.kind === "untrusted") throw new JlremoteError(read.message, ExitCode.failure);
  const record = read.kind === "ok" ? read.record : null;
  const backend = backendFor(env, name);
  const seen = record ? backend.observe(record, env) : { supervisorAlive: false, jupyterAlive: false, hostBound: true };
  const { supervisorAlive, jupyterAlive } = seen;
  const managedBy = backend.kind === "detached" ? "jlremote" : backend.kind;
  // A record from a compute node is not "elsewhere": its backend vouches for it (heartbeat, job state).
  const host = seen.hostBound || !record ? hostName() : record.host;
  const report = backend.details(
    buildStatus(name, record, { supervisorAlive, jupyterAlive }, { host, version, managedBy, now: Date.now() }),
    record,
    env,
  );
  report.settings = peekRemembered(paths.dir);
  const corrupt = read.kind === "corrupt" ? read.message : null;
  if (corrupt !== null) report.reason = `${corrupt}; \`jlremote start --name ${name}\` will start afresh`;
  return { paths, record, corrupt, report, supervisorAlive, jupyterAlive };
}

/** inspect(), then at most one question to the backend's authority when the files cannot answer (a queued job). */
export async function inspectSettled(ctx: CommandContext, name: string): Promise<InstanceView> {
  return backendFor(ctx.env, name).settle(inspect(ctx.env, name, ctx.version), ctx);
}
