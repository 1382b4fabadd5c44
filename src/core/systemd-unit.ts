// Text of the systemd user unit template and of the per-instance drop-in that carries the instance's options.
import { usageError } from "./errors.js";

/** What the per-instance drop-in says. */
export interface DropInSpec {
  /** Absolute argv of `jlremote run ...` with this instance's options (node, bundle, "run", ...). */
  execArgv: string[];
  /** Environment the supervisor needs to find the same state dir, Jupyter dirs and tools as the shell that installed it. */
  environment: Record<string, string>;
  /** The unit only starts on this host (a shared NFS home is read by every login node's user manager). */
  host: string;
  /** Supervisor's grace for Jupyter after SIGTERM, in seconds (TimeoutStopSec is set above it). */
  stopTimeoutSec: number;
}

/** Seconds systemd waits after SIGTERM beyond the supervisor's own stop timeout (kernel grace + SIGKILL + cleanup). */
export const stopSlackSec = 20;

/** The unit name of an instance (instance names need no systemd escaping: letters, digits, '.', '-', '_'). */
export function unitName(name: string): string {
  return `jlremote@${name}.service`;
}

/** The template `jlremote@.service`; `execPrefix` is the (already quoted) command that runs jlremote. */
export function renderTemplate(execPrefix: string): string {
  return [
    "# jlremote: Jupyter under the jlremote supervisor, one instance per jlremote instance name (%i).",
    "# `jlremote service install --name NAME` installs it with a drop-in jlremote@NAME.service.d/options.conf.",
    "[Unit]",
    "Description=Jupyter supervised by jlremote (instance %i)",
    // The supervisor restarts Jupyter itself; systemd restarts a supervisor that gave up, 5 times in 10 minutes at most.
    "StartLimitIntervalSec=600",
    "StartLimitBurst=5",
    "",
    "[Service]",
    "Type=exec",
    `ExecStart=${execPrefix} run --name %i`,
    // Signals go to the supervisor only: its stop path stops Jupyter and the kernels (found by marker) and leaves
    // deliberately detached jobs; a SIGKILLed supervisor leaves Jupyter and kernels for its successor to adopt.
    "KillMode=process",
    // One kernel killed by the OOM killer is Jupyter's business (it restarts kernels), not a reason to stop the unit.
    "OOMPolicy=continue",
    `TimeoutStopSec=${10 + stopSlackSec}`,
    "Restart=on-failure",
    "RestartSec=5",
    // 2 = bad options, 4 = the instance runs on another host: starting again cannot help.
    "RestartPreventExitStatus=2 4",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

/** The drop-in `jlremote@NAME.service.d/options.conf`: this instance's command line, environment and host. */
export function renderDropIn(spec: DropInSpec): string {
  const env = Object.entries(spec.environment).map(([k, v]) => `Environment=${quoteEnv(k, v)}`);
  return [
    "# Written by `jlremote service install`; `jlremote service uninstall` removes it. Install again to change options.",
    "[Unit]",
    `ConditionHost=${escapeSpecifiers(spec.host)}`,
    "",
    "[Service]",
    ...env,
    "ExecStart=",
    `ExecStart=${quoteExec(spec.execArgv)}`,
    `TimeoutStopSec=${Math.ceil(spec.stopTimeoutSec) + stopSlackSec}`,
    "",
  ].join("\n");
}

/** Quote argv for ExecStart=: each word in double quotes, with `\`, `"`, `%` and `$` escaped. */
export function quoteExec(argv: readonly string[]): string {
  return argv.map((a) => `"${escapeWord(a).replaceAll("$", "$$$$")}"`).join(" ");
}

/** Quote one Environment= assignment (no `$` expansion there). */
export function quoteEnv(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
    throw usageError(`environment variable name '${key}' cannot go into a systemd unit`);
  return `"${key}=${escapeWord(value)}"`;
}

/** The host in a drop-in's ConditionHost=, or null when there is none. */
export function parseConditionHost(text: string): string | null {
  const m = /^ConditionHost=(.*)$/m.exec(text);
  return m?.[1] === undefined ? null : m[1].replaceAll("%%", "%");
}

function escapeWord(s: string): string {
  if (/[\n\r\0]/.test(s))
    throw usageError(`'${s.replace(/[\n\r\0]/g, "?")}': a newline or NUL cannot go into a systemd unit`);
  return escapeSpecifiers(s.replaceAll("\\", "\\\\").replaceAll('"', '\\"'));
}

function escapeSpecifiers(s: string): string {
  return s.replaceAll("%", "%%");
}
