// Instance options for pure tests: every field set, small timeouts, no scheduler unless given.
import type { InstanceOptions } from "../../src/core/types.js";

/** Options of an instance named `name` running `/j APP`, with `fields` on top. */
export function testOptions(
  name: string,
  app: InstanceOptions["app"],
  fields: Partial<InstanceOptions> = {},
): InstanceOptions {
  return {
    name,
    app,
    jupyter: "/j",
    command: ["/j", app],
    env: {},
    prologue: null,
    port: null,
    portExplicit: false,
    rootDir: "/",
    extraArgs: [],
    maxRestarts: 5,
    readyTimeoutMs: 1,
    stopTimeoutMs: 1,
    sock: false,
    healthIntervalMs: 1,
    healthRetries: 1,
    ...fields,
  };
}
