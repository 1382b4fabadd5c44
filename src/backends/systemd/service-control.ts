// start/stop of an instance installed as a systemd user service: through `systemctl --user`, so systemd and a
// detached jlremote never supervise one Jupyter at the same time.
import { readFileSync } from "node:fs";
import { ExitCode, JlremoteError } from "../../core/errors.js";
import type { RawStartOptions } from "../../core/instance-options.js";
import { unitName } from "../../core/systemd-unit.js";
import { tailLines } from "../../io/logs.js";
import { checkManager, firstLine, systemctl, unitProperties } from "../../io/systemctl.js";
import type { BackendContext } from "../backend.js";
import type { InstanceView } from "../../instance/view.js";
import { monotonicMs } from "../../io/clock.js";

/** Start the unit (a no-op when active) and wait until Jupyter answers; returns the running view. */
export async function startService(ctx: BackendContext, name: string, timeoutMs?: number): Promise<InstanceView> {
  const before = ctx.inspect(name);
  if (before.report.elsewhere)
    throw new JlremoteError(
      `instance '${name}' runs on host ${before.report.host}; run jlremote there`,
      ExitCode.elsewhere,
    );
  if (before.report.state === "running" && before.supervisorAlive) return before;
  const unit = unitName(name);
  // An explicit start also clears a start limit hit by an earlier crash loop (else refused for up to 10 minutes).
  await systemctl(["reset-failed", unit], ctx.env, 10_000);
  const r = await systemctl(["start", unit], ctx.env, 30_000);
  if (r.code !== 0)
    throw await managerError(ctx, name, `systemctl --user start ${unit} failed: ${firstLine(r.stderr)}`);
  const old = before.supervisorAlive ? null : (before.record?.supervisor ?? null);
  const opts = before.record?.options;
  const deadline = monotonicMs() + (timeoutMs ?? (opts ? opts.readyTimeoutMs + opts.stopTimeoutMs + 15_000 : 90_000));
  let nextUnitCheck = monotonicMs() + 1000;
  for (;;) {
    const view = ctx.inspect(name);
    const state = view.report.state;
    if (state === "running" && view.supervisorAlive) return view;
    const fresh =
      view.record?.supervisor != null &&
      (old === null || view.record.supervisor.pid !== old.pid || view.record.supervisor.startTime !== old.startTime);
    if (fresh && (state === "failed" || state === "stopped")) throw notStarted(view, view.report.reason ?? state, name);
    if (monotonicMs() >= nextUnitCheck) {
      nextUnitCheck = monotonicMs() + 1000;
      const p = await unitProperties(unit, ["ActiveState", "SubState", "Result", "ConditionResult"], ctx.env);
      if (p && (p.ActiveState === "failed" || (p.ActiveState === "inactive" && !(view.supervisorAlive && fresh)))) {
        const why =
          p.ConditionResult === "no"
            ? "its ConditionHost= does not match this host"
            : `the unit is ${p.ActiveState} (${p.Result ?? "?"})`;
        throw notStarted(view, `${why}; see \`journalctl --user -u ${unit}\``, name);
      }
    }
    if (monotonicMs() > deadline)
      throw new JlremoteError(
        `Jupyter was not ready in time (state ${state}); see \`jlremote logs --name ${name}\` and \`journalctl --user -u ${unit}\``,
      );
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Notes for start options given on the command line that a service instance ignores (its options are in the unit). */
export function ignoredOptionNotes(flags: RawStartOptions): string[] {
  const given = [
    flags.app !== undefined && "--app",
    flags.jupyter !== undefined && "--jupyter",
    flags.port !== undefined && "--port",
    flags.rootDir !== undefined && "--root-dir",
    flags.sock !== undefined && "--sock",
    (flags.extraArgs ?? []).length > 0 && "extra Jupyter arguments",
  ].filter((x): x is string => typeof x === "string");
  if (given.length === 0) return [];
  return [
    `note: '${flags.name}' is a systemd service; its options come from \`jlremote service install\` (run it again to change them); ignoring ${given.join(", ")}`,
  ];
}

/** Stop the unit; systemd SIGTERMs the supervisor and SIGKILLs whatever is left in the cgroup. */
export async function stopService(ctx: BackendContext, name: string): Promise<void> {
  const view = ctx.inspect(name);
  const stopMs = (view.record?.options.stopTimeoutMs ?? 10_000) + 40_000;
  const r = await systemctl(["stop", unitName(name)], ctx.env, stopMs);
  if (r.code !== 0)
    throw await managerError(ctx, name, `systemctl --user stop ${unitName(name)} failed: ${firstLine(r.stderr)}`);
}

/** Is this PID in the instance's systemd unit (read from /proc/PID/cgroup, no systemctl)? */
export function inUnit(pid: number, name: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, "utf8").includes(`/${unitName(name)}`);
  } catch {
    return false;
  }
}

async function managerError(ctx: BackendContext, name: string, message: string): Promise<JlremoteError> {
  const m = await checkManager(ctx.env);
  if (m.ok) return new JlremoteError(`${message}; see \`journalctl --user -u ${unitName(name)}\``);
  return new JlremoteError(
    `instance '${name}' is installed as a systemd user service, but no systemd user manager answers (${m.why}); ` +
      `log in on this host so it starts, or \`jlremote service uninstall --name ${name}\` and use \`jlremote start\``,
  );
}

function notStarted(view: InstanceView, why: string, name: string): JlremoteError {
  const tail = tailLines(view.paths.jupyterLogFile, 15);
  return new JlremoteError(`Jupyter did not start: ${why}; see \`jlremote logs --name ${name}\``, ExitCode.failure, {
    detail: tail ? `--- last lines of ${view.paths.jupyterLogFile} ---\n${tail}` : undefined,
  });
}
