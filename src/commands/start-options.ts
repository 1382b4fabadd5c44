// Turns parsed start/run flags into complete InstanceOptions (validation, jupyter lookup, app detection).
import { chooseApp } from "../core/jupyter-command.js";
import { ExitCode, JlremoteError, usageError } from "../core/errors.js";
import { validateStartOptions, type RawStartOptions } from "../core/instance-options.js";
import type { InstanceOptions } from "../core/types.js";
import { availableApps, resolveJupyter } from "../io/jupyter-detect.js";
import { resolveRootDir, validateName } from "../io/paths.js";
import type { CommandContext } from "./context.js";

/** Validate and complete the options; throws a usage error for bad input before anything is started. */
export function resolveStartOptions(raw: RawStartOptions, ctx: Pick<CommandContext, "env" | "cwd">): InstanceOptions {
  validateName(raw.name);
  const v = validateStartOptions(raw);
  const rootDir = resolveRootDir(raw.rootDir, ctx.cwd);
  const jupyter = resolveJupyter(raw.jupyter, ctx.env, ctx.cwd);
  const app = v.app === "auto" ? chooseApp(availableApps(jupyter, ctx.env)) : v.app;
  return { ...v, app, jupyter, rootDir };
}

/** Options recorded in state.json, put through the same validation as command-line options before they are reused. */
export function recordedOptions(recorded: unknown, ctx: Pick<CommandContext, "env" | "cwd">): InstanceOptions {
  const o = (typeof recorded === "object" && recorded !== null ? recorded : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === "string" ? v : String(v));
  const seconds = (v: unknown): unknown => (typeof v === "number" ? v / 1000 : v);
  try {
    if (!Array.isArray(o.extraArgs) || !o.extraArgs.every((a) => typeof a === "string")) throw usageError("extra arguments: expected a list of strings");
    if (typeof o.rootDir !== "string" || !o.rootDir.startsWith("/")) throw usageError(`--root-dir ${str(o.rootDir)}: expected an absolute path`);
    const options = resolveStartOptions({
      name: str(o.name), app: str(o.app), jupyter: str(o.jupyter), port: o.portExplicit === true ? o.port : undefined, rootDir: o.rootDir,
      maxRestarts: o.maxRestarts, timeout: seconds(o.readyTimeoutMs), stopTimeout: seconds(o.stopTimeoutMs), sock: o.sock === true,
      healthInterval: seconds(o.healthIntervalMs), healthRetries: o.healthRetries, extraArgs: o.extraArgs as string[],
      logMaxSize: typeof o.logMaxBytes === "number" ? o.logMaxBytes / 1024 / 1024 : o.logMaxBytes, logKeep: o.logKeep,
    }, ctx);
    return options;
  } catch (err) {
    throw new JlremoteError(`the options recorded in state.json are not valid (${(err as Error).message}); start it again with \`jlremote start\` and your options`, ExitCode.usage, { cause: err });
  }
}
