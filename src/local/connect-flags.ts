// Turns the parsed `jllocal [HOST]` options (fast parser or yargs) into ConnectFlags, validating --local-port.
import { usageError } from "../core/errors.js";
import type { FastConnectArgs } from "../core/local-argv.js";

/** Flags of `jllocal [HOST]`: the parsed command line (src/core/local-argv.ts) with --local-port validated. */
export type ConnectFlags = Omit<FastConnectArgs, "localPort"> & {
  localPort: number | undefined;
  /** A scheduler's name: start the remote instance as a batch job (`jlremote start --scheduler NAME`). */
  scheduler?: string;
  /** sbatch options passed to the remote `jlremote start --sbatch`. */
  sbatch?: string;
  /** A profile of the remote config file (`jlremote start --profile`). */
  profile?: string;
};

/** Parse --local-port: an integer from 1 to 65535, or undefined. */
function localPort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535)
    throw usageError(`--local-port ${raw}: expected a port number from 1 to 65535`);
  return n;
}

/** ConnectFlags from the raw options; a bad --local-port is a usage error. */
export function connectFlags(
  a: FastConnectArgs & { scheduler?: string; sbatch?: string; profile?: string },
): ConnectFlags {
  return { ...a, localPort: localPort(a.localPort) };
}
