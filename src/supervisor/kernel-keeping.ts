// Kernels outlive a crashed, hung or restarted Jupyter: a keeper holds them, the next Jupyter re-adopts them
// (python/jlremote_adopt), and whatever is not adopted, or outlives the supervisor's end, is stopped.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { JupyterConfig } from "../core/jupyter-config.js";
import type pino from "pino";
import {
  adoptionConfig,
  adoptionRecord,
  kernelFromArgv,
  notAdopted,
  parseReport,
  type KernelCandidate,
} from "../core/kernel-adoption.js";
import type { AdoptionRecord, ProcessIdentity } from "../core/types.js";
import { bundledPythonDir, readReport } from "../io/adoption-files.js";
import type { InstanceProcess } from "../io/instance-processes.js";
import { spawnJupyter, type JupyterChild } from "../io/jupyter-process.js";
import type { Keeper } from "../io/keeper.js";
import { KEEPER_SCRIPT, pythonOf } from "../io/keeper-process.js";
import type { EarlyKeeper } from "../core/warm-supervisor.js";
import type { ChildProcess } from "node:child_process";
import { keeperFor, noScript } from "./keeper-start.js";
import { isAlive } from "../io/process-identity.js";
import { descendants, signalAll, signalOne, waitGone } from "../io/process-tree.js";
import { cleanupInstance } from "../io/instance-shutdown.js";

/** Kernel survival for one supervisor. */
export class KernelKeeping {
  /** Kernels waiting for the next Jupyter (or null: the current Jupyter was not started after a restart). */
  private candidates: KernelCandidate[] | null = null;
  /** The keeper's exit, once `letGo` started it. */
  private quitting: Promise<void> | null = null;
  private readonly report: string;
  private readonly sessionsDb: string;

  private constructor(
    private readonly keeper: Keeper | null,
    private formerKeepers: ProcessIdentity[],
    private readonly pythonDir: string | null,
    dir: string,
    private readonly log: pino.Logger,
  ) {
    this.report = join(dir, "adoption.json");
    this.sessionsDb = join(dir, "sessions.db");
  }

  /**
   * Start the keeper (Jupyter's Python runs it), or use the one a warm supervisor started ahead when it runs that
   * Python; without one, Jupyter is spawned directly and kernels end with it.
   */
  static async start(o: {
    dir: string;
    jupyter: string;
    env: Record<string, string | undefined>;
    formerKeepers: ProcessIdentity[];
    log: pino.Logger;
    early?: EarlyKeeper<ChildProcess>;
  }): Promise<KernelKeeping> {
    const pythonDir = bundledPythonDir();
    const started =
      pythonDir === null
        ? noScript(o.early)
        : await keeperFor(pythonOf(o.jupyter, o.env), join(pythonDir, KEEPER_SCRIPT), o.early, o.log);
    if ("failed" in started)
      o.log.warn(
        { pythonDir, why: started.failed },
        "no keeper (python3 not found?): kernels will not survive a Jupyter crash",
      );
    return new KernelKeeping(
      "failed" in started ? null : started,
      o.formerKeepers.filter((k) => isAlive(k)),
      pythonDir,
      o.dir,
      o.log,
    );
  }

  /** Every live keeper of this instance (for state.json). */
  keepers(): ProcessIdentity[] {
    this.formerKeepers = this.formerKeepers.filter((k) => isAlive(k));
    return this.keeper ? [this.keeper.identity, ...this.formerKeepers] : [...this.formerKeepers];
  }

  /** Config keys for the next Jupyter: load the extension and tell it which kernels to adopt (none without a keeper). */
  configExtra(): JupyterConfig {
    if (this.keeper === null || this.pythonDir === null) return {};
    return adoptionConfig({
      report: this.report,
      sessionsDb: this.sessionsDb,
      kernels: this.candidates ?? [],
    }) as JupyterConfig;
  }

  /** Where the extension is imported from (put on the server's sys.path by the config file, never in an environment). */
  pythonPath(): string[] {
    return this.keeper === null || this.pythonDir === null ? [] : [this.pythonDir.replace(/\/$/, "")];
  }

  /** Write the config file; on a full or read-only state disk the previous one is used (its kernel list may be stale: those not adopted are stopped). */
  writeConfig(write: () => void, file: string): void {
    try {
      write();
    } catch (err) {
      if (!existsSync(file)) throw err;
      this.log.warn(
        { err: (err as Error).message },
        "cannot rewrite Jupyter's config file; starting with the previous one",
      );
    }
  }

  /** Spawn Jupyter under the keeper (directly without one: its kernels then end with it). */
  spawn(
    jupyter: string,
    args: string[],
    cwd: string,
    env: Record<string, string>,
    log: { fd: number; file: string },
  ): Promise<JupyterChild> {
    if (this.keeper === null) return spawnJupyter(jupyter, args, cwd, env, log.fd);
    return this.keeper.spawnJupyter(jupyter, args, cwd, env, log.file);
  }

  /** Did this (now ending) Jupyter load the extension, so its kernels can be kept for the next one? */
  survives(jupyterPid: number): boolean {
    const r = parseReport(readReport(this.report));
    return this.keepers().length > 0 && r !== null && r.pid === jupyterPid && r.supported;
  }

  /** After a Jupyter ended: keep its kernels (found by the instance marker, `adopt` of the cleanup) for the next one. */
  collect(adopt: readonly InstanceProcess[]): number {
    const found = adopt.flatMap((p) => {
      const k = p.kind === "kernel" && p.connectionFile !== null ? kernelFromArgv([p.connectionFile]) : null;
      return k === null ? [] : [{ ...k, identity: p.identity }];
    });
    this.candidates = mergeCandidates(this.candidates ?? [], found);
    return this.candidates.length;
  }

  /** Once Jupyter answers: what it adopted; candidates it did not adopt are stopped. */
  async afterReady(jupyterPid: number): Promise<AdoptionRecord> {
    // The extension writes its report before the server listens: none now means it was not loaded.
    const record = adoptionRecord(
      parseReport(readReport(this.report)),
      jupyterPid,
      this.candidates,
      new Date().toISOString(),
    );
    const given = this.candidates ?? [];
    this.candidates = null;
    const lost = notAdopted(given, record);
    // A kernel not re-adopted goes with everything it started (a training job holding a GPU): found before it dies,
    // since its children are re-parented to the keeper then.
    if (lost.length > 0) await stopKernels(withDescendants(lost.map((k) => k.identity)));
    if (record.at !== null)
      this.log.info(
        { readopted: record.adopted.length, failed: record.failed },
        `re-adopted ${record.adopted.length} of ${given.length} kernel(s)`,
      );
    return record;
  }

  /** The supervisor ends (stop or give-up): kept kernels not adopted yet are stopped (with whatever the policy kills), the keepers leave. */
  async close(instanceId: string | null): Promise<void> {
    const waiting = (this.candidates ?? []).map((c) => c.identity);
    this.candidates = null;
    if (waiting.length > 0) {
      await stopKernels(waiting);
      await cleanupInstance(instanceId, 2000);
    }
    for (const k of this.formerKeepers) signalOne(k, "SIGTERM");
    await (this.quitting ?? this.keeper?.quit());
  }

  /**
   * Jupyter exited on a stop: with no kernels waiting for adoption the keeper has nothing left to hold, so it starts
   * to exit now, while the supervisor scans for leftovers and records the stop (`close` awaits it).
   */
  letGo(): void {
    if ((this.candidates ?? []).length === 0) this.quitting ??= this.keeper?.quit() ?? null;
  }
}

/** SIGTERM, a short grace, then SIGKILL. */
async function stopKernels(ids: ProcessIdentity[]): Promise<void> {
  if (signalAll(ids, "SIGTERM") > 0 && !(await waitGone(ids, 2000))) signalAll(ids, "SIGKILL");
  await waitGone(ids, 2000);
}

/** The live ones of `ids` and all their descendants (kernels first). */
function withDescendants(ids: readonly ProcessIdentity[]): ProcessIdentity[] {
  const live = ids.filter((k) => isAlive(k));
  return [...live, ...live.flatMap((k) => descendants(k.pid))];
}

function mergeCandidates(a: KernelCandidate[], b: KernelCandidate[]): KernelCandidate[] {
  const seen = new Map<string, KernelCandidate>();
  for (const c of [...a, ...b]) if (isAlive(c.identity)) seen.set(`${c.identity.pid}:${c.identity.startTime}`, c);
  return [...seen.values()];
}
