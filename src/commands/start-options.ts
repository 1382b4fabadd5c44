// Turns parsed start/run flags into complete InstanceOptions (validation, jupyter lookup, app detection).
import { chooseApp } from "../core/jupyter-command.js";
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
