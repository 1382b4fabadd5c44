// Which keeper a supervisor uses: the one a warm supervisor started ahead when it runs the wanted Python and script
// (src/core/warm-supervisor.ts), else a new one.
import type { ChildProcess } from "node:child_process";
import type pino from "pino";
import { earlyKeeperFits, type EarlyKeeper } from "../core/warm-supervisor.js";
import { attachKeeper, startKeeper, type Keeper, type NoKeeper } from "../io/keeper.js";
import { letKeeperGo as letGo } from "../io/keeper-process.js";

/** The keeper started ahead when it fits (else it is let go), a new one otherwise or when it failed. */
export async function keeperFor(
  python: string,
  script: string,
  early: EarlyKeeper<ChildProcess> | undefined,
  log: pino.Logger,
): Promise<Keeper | NoKeeper> {
  if (early && earlyKeeperFits(early, python, script)) {
    const kept = await attachKeeper(early.process);
    if (!("failed" in kept)) {
      log.info({ keeperPid: kept.identity.pid }, "using the keeper started ahead");
      return kept;
    }
    log.warn({ why: kept.failed }, "the keeper started ahead failed; starting another");
  } else if (early) {
    log.info(
      { started: early.python, wanted: python, pid: early.process.pid },
      "the keeper started ahead runs another Python; letting it go",
    );
    letGo(early);
  }
  return startKeeper(python, script);
}

/** No keeper script installed: the keeper started ahead (if any) is let go. */
export function noScript(early: EarlyKeeper<ChildProcess> | undefined): NoKeeper {
  if (early) letGo(early);
  return { failed: "the keeper script is not installed beside the bundle" };
}
