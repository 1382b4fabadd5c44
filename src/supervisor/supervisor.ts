// The supervision loop: spawn (or adopt) Jupyter, restart it per the restart policy, stop it on request. Each step is
// a named function in its own module (setup.ts, run-steps.ts, run-end.ts …); the decisions (restart, port, what a
// run's end means) are in core/.
import { logDefaults } from "../core/instance-options.js";
import type { JupyterFlavour } from "../core/jupyter-config.js";
import { claimOrLetGo, enterJob, listen, lookUpListenAddress, prepareFresh } from "./setup.js";
import { afterRun } from "../core/restart-policy.js";
import type { InstanceOptions } from "../core/types.js";
import { closeQuietly, rotateAndOpen, type RotationPolicy } from "../io/logs.js";
import { removeStaleSocket } from "../io/socket-file.js";
import { watchInfoFile } from "../io/runtime-info.js";
import type { SupervisorContext } from "./context.js";
import { watchJupyter, type WatchedJupyter } from "./jupyter-run.js";
import type { JobMode } from "./job-mode.js";
import { KernelKeeping } from "./kernel-keeping.js";
import { flavourOf, housekeeping, type Launch } from "./launch.js";
import { authProblem } from "./launch-config.js";
import { listenerGate } from "./listener-gate.js";
import { choosePort, movedOffTakenPort } from "./port-choice.js";
import { giveUp } from "./record.js";
import { CredentialKeeper } from "./credentials.js";
import { takeCredentialsRequest } from "../io/credentials-request.js";
import { fsErrorText } from "../core/errors.js";
import { removeRuntimeLeftovers, withPrivateRuntime } from "../io/jupyter-secrets.js";
import { adopted, finishRun } from "./run-end.js";
import { recordReady, recordStopped, restartAfterCrash, spawnStep } from "./run-steps.js";
import { normalized, reloaded } from "./settings-reload.js";
import { settleSupervisorHeap } from "../io/young-generation.js";

const askedFor = "asked for (`jlremote restart --new-credentials`)";

/** The rotation policy of an instance's logs. */
export function logPolicy(options: InstanceOptions): RotationPolicy {
  return {
    maxBytes: options.logMaxBytes ?? logDefaults.maxSizeMb * 1024 * 1024,
    keep: options.logKeep ?? logDefaults.keep,
  };
}

/** Run until stopped (returns) or given up (throws JlremoteError with the reason). */
export async function supervise(given: SupervisorContext): Promise<void> {
  const { paths, log } = given;
  // A runtime dir others may read never gets Jupyter's info file or kernel keys: the instance's own one is used then.
  const ctx = { ...given, env: withPrivateRuntime(given.env, paths.dir) };
  let options = normalized(ctx.adopt?.options ?? ctx.options);
  const address = lookUpListenAddress(ctx);
  const policy = logPolicy(options);
  const logFd = rotateAndOpen(paths.jupyterLogFile, policy.keep, !ctx.adopt);
  // Kernels outlive a crashed, hung or restarted Jupyter under the keeper and are re-adopted by the next one.
  // The keeper (a Python start, the first thing on the way to Jupyter's spawn; a warm supervisor started one ahead,
  // used when it runs the right Python) starts before the claim's write; the install's flavour probe runs while the
  // port is chosen. The keeper is recorded with the spawned Jupyter (a keeper without children exits with the
  // supervisor), an adopted Jupyter's at once.
  const keeperStarting = KernelKeeping.start({
    dir: paths.dir,
    jupyter: options.jupyter,
    env: ctx.env,
    log,
    formerKeepers: ctx.adopt?.keepers ?? ctx.resume?.keepers ?? [],
    early: ctx.earlyKeeper,
  });
  const writer = claimOrLetGo(ctx, options, keeperStarting, logFd);
  ctx.onClaimed?.();
  // Login cookies are signed with the instance's own secret: a new token (not a crash resume) gets a new one.
  const credentials = new CredentialKeeper(paths.dir, writer, log);
  const signals = listen(log, ctx.job?.endingSignal);
  let flavourEarly = ctx.adopt?.jupyter ? null : flavourOf(ctx, options);
  flavourEarly?.catch(() => {}); // awaited (and its error thrown) at the first spawn
  let kept: KernelKeeping | null = null;
  let job: JobMode | null = null;
  let underWay = () => {
    underWay = () => {};
    ctx.onUnderWay?.();
  };
  try {
    // Written while the keeper's Python starts: Jupyter is the first to read it.
    try {
      credentials.init(Boolean(ctx.adopt || ctx.resume?.token));
      // `restart --new-credentials` found no live supervisor: the crashed instance's token is not resumed. An adopted
      // Jupyter serves its own token: the request then waits for its next restart.
      if (!ctx.adopt && takeCredentialsRequest(paths.dir) && ctx.resume?.token) credentials.rotate(askedFor);
    } catch (err) {
      throw giveUp(writer, `cannot write the cookie secret: ${fsErrorText(err, credentials.cookieSecretFile)}`, err);
    }
    job = await enterJob(ctx, writer, address);
    const portBase = ctx.job ? ctx.job.portBase(ctx.job.jobId(ctx.env)) : 8888;
    const host = writer.record.listenHost ?? undefined;
    if (!ctx.adopt) await prepareFresh(ctx, options, writer, host, portBase, credentials);
    const kernels = await keeperStarting;
    kept = kernels;
    if (ctx.adopt) writer.update({ keepers: kernels.keepers() });
    log.info(
      {
        name: options.name,
        app: options.app,
        port: writer.record.port,
        socket: writer.record.socket,
        adopted: Boolean(ctx.adopt),
      },
      "supervisor started",
    );
    const launch: Launch = { ctx, writer, kernels, host, logFd, cookieSecretFile: credentials.cookieSecretFile };
    const chores = housekeeping(ctx, options, policy, writer, log);
    let everReady = Boolean(ctx.adopt);
    let failures = 0;
    let current: WatchedJupyter | null = ctx.adopt?.jupyter ? adopted(ctx.adopt) : null;
    let flavour: JupyterFlavour | null = null;
    for (;;) {
      if (current === null) {
        flavour ??= await (flavourEarly ?? flavourOf(ctx, options));
        flavourEarly = null;
        current = await spawnStep(launch, options, flavour, everReady, log);
      }
      // The start's own work is done (Jupyter spawned or adopted): the young generation is capped from here on, a
      // batch job asks its scheduler for its end time, the caller does what it put off (once each).
      settleSupervisorHeap();
      job?.lookUpEnd();
      underWay();
      const watched = current;
      const end = await watchJupyter(current, signals.wake, {
        gate: listenerGate(
          current.identity,
          { port: writer.record.port, socket: writer.record.socket, host: writer.record.listenHost ?? null },
          ctx.env,
        ),
        token: writer.record.token,
        listening: (poke) => watchInfoFile(ctx.env, watched.identity.pid, poke),
        readyTimeoutMs: options.readyTimeoutMs,
        healthIntervalMs: options.healthIntervalMs,
        healthRetries: options.healthRetries,
        log,
        housekeeping: chores,
        onReady: async (baseUrl) => {
          everReady = true;
          await recordReady(writer, kernels, watched, baseUrl, log);
        },
      });
      await finishRun(current, end, options, writer, log, kernels);
      // A killed Jupyter leaves its info file (and, on old versions, the browser-open page) behind.
      const left = removeRuntimeLeftovers(ctx.env, current.identity.pid);
      if (left.length > 0) log.info({ removed: left }, "removed the runtime files of the exited Jupyter");
      current = null;
      const next = afterRun(end.why, {
        idleTimeoutMin: options.idleTimeoutMin,
        everReady,
        exitCode: writer.record.lastExit?.code,
      });
      if (next.kind === "stop") {
        recordStopped(writer, job && signals.terminated() ? job.stopReason(Date.now()) : null);
        if (writer.record.socket) removeStaleSocket(writer.record.socket);
        log.info("stopped");
        return;
      }
      if (next.kind === "reload") {
        signals.wake.clearRestart();
        // Written with the next record (the settings or the spawn): `restart` waits for a Jupyter after this count grew.
        writer.stage({ reloads: (writer.record.reloads ?? 0) + 1 });
        const before = writer.record.port;
        options = await reloaded(ctx, options, writer, (o, previous) => choosePort(o, previous, host, portBase));
        const after = writer.record.port;
        const asked = takeCredentialsRequest(paths.dir);
        if (before !== null && after !== null && after !== before)
          credentials.rotate(`restart moved the port from ${before} to ${after}`);
        else if (asked) credentials.rotate(askedFor);
        flavour = null;
        continue;
      }
      if (next.kind === "idle") {
        // Jupyter's own idle shutdown (--idle-timeout): an end, not a crash; a batch job gives its allocation back.
        recordStopped(writer, next.reason);
        log.info({ idleTimeoutMin: options.idleTimeoutMin }, "jupyter shut down when idle; stopped");
        return;
      }
      if (next.kind === "refused") throw giveUp(writer, authProblem(next.why, ctx.env));
      if (end.readyAt === null) {
        const moved = await movedOffTakenPort(
          writer,
          options,
          host,
          everReady,
          failures,
          log,
          credentials,
          paths.jupyterLogFile,
        );
        if (typeof moved === "object") throw giveUp(writer, moved.fail);
        if (moved) {
          failures += 1;
          continue;
        }
      }
      const after = await restartAfterCrash(writer, end, everReady, failures, options, signals.wake, log);
      if (after === "stopped") return;
      failures = after;
    }
  } finally {
    job?.dispose();
    // Also a keeper still starting when an early step gave up is told to go.
    await (kept ?? (await keeperStarting.catch(() => null)))?.close(writer.record.instanceId);
    closeQuietly(logFd);
    signals.dispose();
  }
}
