// A restart reads the instance's settings again: what a later `start` remembered (or the config file) applies then.
import { join } from "node:path";
import type { InstanceOptions } from "../core/types.js";
import { removeStaleSocket } from "../io/socket-file.js";
import type pino from "pino";
import type { InstancePaths } from "../io/paths.js";
import type { StateWriter } from "./state-writer.js";

/** Options of an older state file lack the launch fields: derive them. */
export function normalized(o: InstanceOptions): InstanceOptions {
  return { ...o, command: o.command ?? [o.jupyter, o.app], env: o.env ?? {}, prologue: o.prologue ?? null };
}

/** The settings read again for a restart; a new socket or port mode, or a new explicit port, takes effect now. */
export async function reloaded(
  ctx: { reload?: (current: InstanceOptions) => Promise<InstanceOptions>; log: pino.Logger; paths: InstancePaths },
  old: InstanceOptions,
  state: StateWriter,
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
  if (next.sock !== old.sock || (next.portExplicit && next.port !== state.record.port)) {
    try {
      const socket = next.sock ? join(ctx.paths.dir, "jupyter.sock") : null;
      if (socket !== null) removeStaleSocket(socket);
      state.update({ socket, port: next.sock ? null : await choosePort(next, state.record.port) });
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, "new port not usable; restarting with the current settings");
      return old;
    }
  }
  state.update({ options: next, app: next.app });
  ctx.log.info({ app: next.app, command: next.command, rootDir: next.rootDir }, "settings applied");
  return next;
}
