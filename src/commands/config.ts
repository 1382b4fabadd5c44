// `jlremote config [--name N] [--json]`: the effective settings of an instance and where each one comes from.
import { describeInstall } from "../core/jupyter-install.js";
import { settingKeys, type SettingKey } from "../core/settings.js";
import { ExitCode } from "../core/errors.js";
import type { CommandContext } from "../context.js";
import { resolveStart } from "../instance/start-options.js";
import { schedulerNames } from "../backends/registry.js";

/** config's flags. */
export interface ConfigFlags {
  name: string;
  json: boolean;
}

/** Print each setting with its value and origin (default / config file / remembered / command line). */
export async function configCommand(flags: ConfigFlags, ctx: CommandContext): Promise<ExitCode> {
  const r = await resolveStart({ name: flags.name }, { ...ctx, schedulerNames });
  const o = r.options;
  const effective: Record<SettingKey, unknown> = {
    jupyter: o.jupyter,
    app: o.app,
    port: o.port,
    rootDir: o.rootDir,
    sock: o.sock,
    extraArgs: o.extraArgs,
    maxRestarts: o.maxRestarts,
    timeout: o.readyTimeoutMs / 1000,
    stopTimeout: o.stopTimeoutMs / 1000,
    healthInterval: o.healthIntervalMs / 1000,
    healthRetries: o.healthRetries,
    logMaxSize: (o.logMaxBytes ?? 0) / 1024 / 1024,
    logKeep: o.logKeep ?? null,
    idleTimeout: o.idleTimeoutMin ?? 0,
    env: o.env,
    prologue: o.prologue,
  };
  const settings = settingKeys.map((key) => ({
    key,
    value: effective[key],
    source:
      r.from[key]?.source ??
      (key === "rootDir" ? "current directory" : key === "port" ? "next free port from 8888" : "default"),
    where: r.from[key]?.where ?? null,
  }));
  if (flags.json) {
    ctx.out(
      JSON.stringify({
        schema: 1,
        name: flags.name,
        configFile: r.configFile,
        command: o.command,
        install: { path: r.install.path, kind: r.install.kind, apps: r.install.commands },
        settings,
      }),
    );
    return ExitCode.ok;
  }
  ctx.out(`${flags.name}: config file ${r.configFile}`);
  for (const s of settings) {
    const value = s.key === "app" && r.values.app === "auto" ? `${o.app} (auto)` : s.value;
    const shown = value === null ? "-" : typeof value === "string" ? value : JSON.stringify(value);
    ctx.out(
      `  ${s.key.padEnd(15)} ${shown.padEnd(40)} ${s.source}${s.where && s.source !== "config file" ? "" : s.where ? ` ${s.where.replace(`${r.configFile} `, "")}` : ""}`,
    );
  }
  ctx.out(`  runs: ${o.prologue ? "(after the prologue) " : ""}${o.command.join(" ")}`);
  ctx.out(`  found: ${r.install.path} (${r.install.kind}): ${describeInstall(r.install)}`);
  return ExitCode.ok;
}
