// Reads one instance's state and checks its PIDs: the fast path behind status, url, list, start and stop.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { buildStatus, type StatusReport } from "../core/status-report.js";
import type { StateRecord } from "../core/types.js";
import { instancePaths, type InstancePaths } from "../io/paths.js";
import { hostName, isAlive } from "../io/process-identity.js";
import { isServiceHere } from "../io/service-files.js";
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

/** Look at the named instance: state file plus identity checks, no network, no daemon. Throws (exit 1) on an untrusted dir or file. */
export function inspect(env: Record<string, string | undefined>, name: string, version: string): InstanceView {
  const paths = instancePaths(env, name);
  const badDir = distrustDir(paths.dir);
  if (badDir !== null) throw new JlremoteError(badDir, ExitCode.failure);
  const read = readState(paths.stateFile);
  if (read.kind === "untrusted") throw new JlremoteError(read.message, ExitCode.failure);
  const record = read.kind === "ok" ? read.record : null;
  const supervisorAlive = isAlive(record?.supervisor);
  const jupyterAlive = isAlive(record?.jupyter);
  const managedBy = isServiceHere(env, name) ? "systemd" : "jlremote";
  const report = buildStatus(name, record, { supervisorAlive, jupyterAlive }, { host: hostName(), version, managedBy, now: Date.now() });
  report.settings = peekRemembered(paths.dir);
  const corrupt = read.kind === "corrupt" ? read.message : null;
  if (corrupt !== null) report.reason = `${corrupt}; \`jlremote start --name ${name}\` will start afresh`;
  return { paths, record, corrupt, report, supervisorAlive, jupyterAlive };
}
