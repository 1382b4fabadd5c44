// `jlremote service uninstall` and `jlremote service status`.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { unitName } from "../core/systemd-unit.js";
import { validateName } from "../io/paths.js";
import { hostName } from "../io/process-identity.js";
import { installedHost, removeServiceFiles, servicePaths } from "../io/service-files.js";
import { checkManager, lingerOf, loginName, systemctl, unitProperties } from "../io/systemctl.js";
import type { CommandContext, NameOption } from "../context.js";
import { inspect } from "../backends/registry.js";
import { stopInstance } from "../backends/detached/supervisor-stop.js";

/** Stop and disable the service, remove its files; state and logs stay. Exit 0 also when it was not installed. */
export async function serviceUninstallCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const name = validateName(flags.name);
  const paths = servicePaths(ctx.env, name);
  const unit = unitName(name);
  const host = installedHost(ctx.env, name);
  if (host === null) {
    ctx.err(`jlremote: '${name}' is not installed as a service (no ${paths.dropIn})`);
    return ExitCode.ok;
  }
  // A shared NFS home: the files belong to another login node's user manager, which still runs the unit.
  if (host !== hostName())
    throw new JlremoteError(
      `'${name}' is installed as a service for host ${host}; run \`jlremote service uninstall --name ${name}\` there`,
      ExitCode.elsewhere,
    );
  const manager = await checkManager(ctx.env);
  if (manager.ok) {
    const view = inspect(ctx.env, name, ctx.version);
    await systemctl(["disable", "--now", unit], ctx.env, (view.record?.options.stopTimeoutMs ?? 10_000) + 40_000);
  } else {
    ctx.err(`note: no systemd user manager answers (${manager.why}); removing the files only`);
  }
  // Whatever still runs (no manager, or a stop that timed out) is stopped the detached way.
  const after = inspect(ctx.env, name, ctx.version);
  if (!after.report.elsewhere && (after.supervisorAlive || after.jupyterAlive)) await stopInstance(after, ctx);
  for (const f of removeServiceFiles(paths)) ctx.err(`removed ${f}`);
  if (manager.ok) {
    await systemctl(["daemon-reload"], ctx.env);
    await systemctl(["reset-failed", unit], ctx.env);
  }
  ctx.err(
    `jlremote: '${name}' is no longer a service; its state and logs stay; \`jlremote start --name ${name}\` runs it detached`,
  );
  return ExitCode.ok;
}

/** The service as systemd sees it plus the instance status; exit 0 when installed and active, 3 otherwise. */
export async function serviceStatusCommand(
  flags: NameOption & { json: boolean },
  ctx: CommandContext,
): Promise<ExitCode> {
  const name = validateName(flags.name);
  const paths = servicePaths(ctx.env, name);
  const unit = unitName(name);
  const host = installedHost(ctx.env, name);
  const manager = await checkManager(ctx.env);
  const props =
    manager.ok && host !== null
      ? await unitProperties(
          unit,
          ["ActiveState", "SubState", "UnitFileState", "MainPID", "NRestarts", "Result"],
          ctx.env,
        )
      : null;
  const linger = await lingerOf(loginName(ctx.env), ctx.env);
  const report = {
    name,
    unit,
    installed: host !== null,
    host,
    unitFile: host !== null ? paths.template : null,
    dropIn: host !== null ? paths.dropIn : null,
    manager: manager.ok ? "running" : `unreachable: ${manager.why}`,
    enabled: props ? props.UnitFileState === "enabled" : null,
    activeState: props?.ActiveState ?? null,
    subState: props?.SubState ?? null,
    mainPid: props?.MainPID && props.MainPID !== "0" ? Number(props.MainPID) : null,
    serviceRestarts: props?.NRestarts !== undefined ? Number(props.NRestarts) : null,
    linger: linger.kind,
    instance: inspect(ctx.env, name, ctx.version).report,
  };
  if (flags.json) ctx.out(JSON.stringify(report));
  else {
    ctx.out(`${unit}: ${host === null ? "not installed" : `installed for host ${host}`}`);
    if (host !== null) {
      ctx.out(`  files:      ${paths.template}, ${paths.dropIn}`);
      ctx.out(
        `  systemd:    ${props ? `${props.ActiveState} (${props.SubState}), ${props.UnitFileState}, service restarts ${props.NRestarts ?? "?"}` : report.manager}`,
      );
    }
    ctx.out(`  linger:     ${linger.kind === "unknown" ? `unknown (${linger.why})` : linger.kind}`);
    ctx.out(`  instance:   ${report.instance.state}${report.instance.url ? ` ${report.instance.url}` : ""}`);
  }
  return host !== null && props?.ActiveState === "active" ? ExitCode.ok : ExitCode.notRunning;
}
