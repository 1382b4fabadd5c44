// What the supervisor needs from its caller (`jlremote run`): the instance, what to take over, and a job's hooks.
import type pino from "pino";
import type { JupyterConfig } from "../core/jupyter-config.js";
import type { InstanceOptions, ProcessIdentity, StateRecord } from "../core/types.js";
import type { InstancePaths } from "../io/paths.js";
import type { InJob } from "../backends/scheduler.js";
import type { ChildProcess } from "node:child_process";
import type { EarlyKeeper } from "../core/warm-supervisor.js";

/** The supervisor's inputs. */
export interface SupervisorContext {
  paths: InstancePaths;
  options: InstanceOptions;
  env: Record<string, string | undefined>;
  log: pino.Logger;
  version: string;
  /** A record whose Jupyter is alive but unsupervised: take it over instead of spawning a new one. */
  adopt?: StateRecord;
  /** A crashed instance's token, port and marker (never after a clean stop): its URL keeps working, its leftovers are found. */
  resume?: { token: string | null; port: number | null; instanceId: string | null; keepers?: ProcessIdentity[] };
  /** Extra keys deep-merged into the config file Jupyter gets (e.g. ServerApp.jpserver_extensions). */
  jupyterConfigExtra?: JupyterConfig;
  /** The instance's settings read again (on `restart`); errors keep the current ones. */
  reload?: (current: InstanceOptions) => Promise<InstanceOptions>;
  /** Called once the state file names this supervisor (the start lock can be released then). */
  onClaimed?: () => void;
  /** Called once, when the first Jupyter is spawned (or adopted): what can wait until then waits (its exit socket). */
  onUnderWay?: () => void;
  /** Set when the supervisor is a batch job's main step: its scheduler's hooks (port base, address, heartbeat...). */
  job?: InJob;
  /** `job.listenAddress()` when the caller started it early (it overlaps reading the options); else asked here. */
  listenAddress?: Promise<string>;
  /** The kernel keeper a warm supervisor started ahead (used when it runs the right Python, else let go). */
  earlyKeeper?: EarlyKeeper<ChildProcess>;
}
