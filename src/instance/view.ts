// Reads one instance's state and checks its PIDs through its backend's observer: the fast path behind status, url,
// list, start and stop. The backend is passed in (backends/registry.ts picks it), so backends can use this too.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { buildStatus, type StatusReport } from "../core/status-report.js";
import type { BackendKind } from "../core/scheduler-names.js";
import type { StateRecord } from "../core/types.js";
import { instancePaths, type InstancePaths } from "../io/paths.js";
import { hostName } from "../io/process-identity.js";
import { peekRemembered } from "../io/settings-file.js";
import { distrustDir } from "../io/private-file.js";
import { readState } from "../io/state-file.js";

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

/** What the PID (or heartbeat) checks found for a record. */
export interface Observed {
  supervisorAlive: boolean;
  jupyterAlive: boolean;
  /** Whether a record from another host means "elsewhere" (false for a job on a compute node). */
  hostBound: boolean;
}

/** The read-only part of a backend that inspection needs (no process started, no scheduler call). */
export interface InstanceObserver {
  /** The backend's name ("detached", "systemd", or a scheduler's name). */
  readonly kind: BackendKind;
  /** Are the recorded supervisor and Jupyter alive? */
  observe(record: StateRecord, env: Record<string, string | undefined>): Observed;
  /** The status report with what this backend adds (`backend`; for a job the `job` object and its fields). */
  details(base: StatusReport, record: StateRecord | null, env: Record<string, string | undefined>): StatusReport;
}

/** Look at the named instance through `observer`: state file plus liveness checks, no network, no daemon. Throws (exit 1) on an untrusted dir or file. */
export function inspectWith(
  observer: InstanceObserver,
  env: Record<string, string | undefined>,
  name: string,
  version: string,
): InstanceView {
  const paths = instancePaths(env, name);
  const badDir = distrustDir(paths.dir);
  if (badDir !== null) throw new JlremoteError(badDir, ExitCode.failure);
  const read = readState(paths.stateFile);
  if (read.kind === "untrusted") throw new JlremoteError(read.message, ExitCode.failure);
  const record = read.kind === "ok" ? read.record : null;
  const seen = record
    ? observer.observe(record, env)
    : { supervisorAlive: false, jupyterAlive: false, hostBound: true };
  const { supervisorAlive, jupyterAlive } = seen;
  const managedBy = observer.kind === "detached" ? "jlremote" : observer.kind;
  // A record from a compute node is not "elsewhere": its backend vouches for it (heartbeat, job state).
  const host = seen.hostBound || !record ? hostName() : record.host;
  const report = observer.details(
    buildStatus(name, record, { supervisorAlive, jupyterAlive }, { host, version, managedBy, now: Date.now() }),
    record,
    env,
  );
  report.settings = peekRemembered(paths.dir);
  const corrupt = read.kind === "corrupt" ? read.message : null;
  if (corrupt !== null) report.reason = `${corrupt}; \`jlremote start --name ${name}\` will start afresh`;
  return { paths, record, corrupt, report, supervisorAlive, jupyterAlive };
}
