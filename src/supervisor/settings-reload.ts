// A restart reads the instance's settings again: what a later `start` remembered (or the config file) applies then.
import { join } from "node:path";
import type { InstanceOptions } from "../core/types.js";
import { removeStaleSocket } from "../io/socket-file.js";
import type { StateKeeper } from "./state-keeper.js";
import type { SupervisorContext } from "./supervisor.js";

/** Options of an older state file lack the launch fields: derive them. */
export function normalized(o: InstanceOptions): InstanceOptions {
  return { ...o, command: o.command ?? [o.jupyter, o.app], env: o.env ?? {}, prologue: o.prologue ?? null };
}

/** The settings read again for a restart; a new socket or port mode, or a new explicit port, takes effect now. */
export async function reloaded(
  ctx: Pick<SupervisorContext, "reload" | "log" | "paths">,
  old: InstanceOptions,
  keeper: StateKeeper,
  choosePort: (o: InstanceOptions, previous: number | null) => Promise<number>,
): Promise<InstanceOptions> {
  if (!ctx.reload) return old;
  let next: InstanceOptions;
  try {
    next = normalized(await ctx.reload(old));
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, "settings unreadable; restarting with the current ones");
    return old;
  }
  if (next.sock !== old.sock || (next.portExplicit && next.port !== keeper.record.port)) {
    try {
      const socket = next.sock ? join(ctx.paths.dir, "jupyter.sock") : null;
      if (socket !== null) removeStaleSocket(socket);
      keeper.update({ socket, port: next.sock ? null : await choosePort(next, keeper.record.port) });
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, "new port not usable; restarting with the current settings");
      return old;
    }
  }
  keeper.update({ options: next, app: next.app });
  ctx.log.info({ app: next.app, command: next.command, rootDir: next.rootDir }, "settings applied");
  return next;
}
