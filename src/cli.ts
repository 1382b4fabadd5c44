// Entry point: runs one command and maps errors to exit codes (the only place that sets them). `status`/`url` with
// only --json/--name and `stop` with only --name take a fast path; everything else goes through yargs
// (src/cli-commands.ts), loaded lazily.
import type { CommandContext } from "./context.js";
import { errorOutcome, ExitCode } from "./core/errors.js";
import { parseFastStatus, parseFastStop, parseOrStart } from "./core/fast-argv.js";
import { unparkAfterNodeStart } from "./core/node-startup-env.js";
import { ANSWER_FD_ENV, OR_START_ENV, START_MARKER } from "./core/ssh-command.js";
import { isWarmArgv, keeperJupyter, WARM_WAIT_MS, warmArgsFor } from "./core/warm-supervisor.js";
import { FAST_MAIN, NO_CACHE_SAVE } from "./core/code-cache.js";
import { saveCodeCacheNow } from "./io/code-cache.js";
import { chooseExit } from "./io/exit-now.js";
import { flushed, lineWriter, progressWriter } from "./io/output.js";
import { stdoutWritten, writeStdout } from "./io/stdout-line.js";
import { isSupervisorNode } from "./io/supervisor-argv.js";

declare const __JLREMOTE_VERSION__: string | undefined;
const version = typeof __JLREMOTE_VERSION__ === "string" ? __JLREMOTE_VERSION__ : "0.0.0-dev";

const ctx: CommandContext = {
  env: process.env,
  cwd: process.cwd(),
  out: lineWriter(() => process.stdout),
  err: lineWriter(() => process.stderr),
  progress: progressWriter(() => process.stderr),
  version,
  self: [process.execPath, ...process.execArgv, process.argv[1] ?? ""],
};

/** Set when jllocal's status started the instance in this process: it exits at once, as `start` does. */
let startedHere = false;

/** The fd jllocal's cold path reads this process's exit code from (it may then supervise on), or null. */
let answerFd: number | null = null;
/** src/io/supervise-here.ts, loaded when there is an answer fd. */
let hereModule: typeof import("./io/supervise-here.js") | null = null;

/** Parse, run, and return the exit code; every error becomes one line on stderr. */
export async function main(argv0: string[]): Promise<ExitCode> {
  let argv = argv0;
  try {
    // jllocal's cold path (src/core/ssh-command.ts): never inherited by the supervisor, Jupyter or its kernels.
    const orStart = parseOrStart(ctx.env[OR_START_ENV]);
    delete ctx.env[OR_START_ENV];
    // jllocal's cold path in the background (src/core/ssh-command.ts): the exit code goes on this fd.
    if (ctx.env[ANSWER_FD_ENV] !== undefined) {
      hereModule = await import("./io/supervise-here.js");
      answerFd = hereModule.takeAnswerFd(ctx.env);
    }
    unparkAfterNodeStart(ctx.env);
    if (isWarmArgv(argv)) {
      // A supervisor spawned ahead by start: compile its modules, then run the argv start sends (none: exit).
      // The tree unpacks on the thread pool while the kernel keeper's Python is started (ready by the time the run
      // argv comes); then the tree compiles.
      const unpacked = (await import("./cli-commands.js")).prefetchTree();
      const earlyKeeper = await supervisorAhead(argv);
      const preload = async () => {
        await unpacked;
        await (await import("./cli-commands.js")).preloadRun();
      };
      const go = await (await import("./io/warm-supervisor.js")).awaitGo(preload, WARM_WAIT_MS);
      if (go === null) {
        // Never used: it saves no code cache (src/io/code-cache.ts), since it compiled its tree but ran none of it.
        (globalThis as Record<symbol, unknown>)[NO_CACHE_SAVE] = true;
        return ExitCode.ok;
      }
      process.chdir(go.cwd);
      ctx.cwd = go.cwd;
      ctx.earlyKeeper = earlyKeeper;
      argv = go.argv;
    } else if (argv[0] === "run" && isSupervisorNode(process.execArgv)) {
      // A batch job's or a unit's supervisor: as above, the tree unpacks on the thread pool while its keeper's Python
      // is started (else the main thread unpacked it, ~8-10 ms, after the keeper's spawn).
      const unpacked = (await import("./cli-commands.js")).prefetchTree();
      ctx.earlyKeeper = await supervisorAhead(argv);
      await unpacked;
    }
    const fast = parseFastStatus(argv);
    if (fast !== null) {
      const status = await import("./commands/status.js");
      const fastCtx = { ...ctx, out: writeStdout };
      if (fast.command !== "status") return await status.urlCommand(fast, fastCtx);
      const code = await status.statusCommand(fast, fastCtx);
      if (code !== 3 || orStart === null || !fast.json) return code;
      // Not running: start it in this process (one node start less on jllocal's cold path); never exit 3 again.
      writeStdout(START_MARKER);
      startedHere = true;
      // Status's own main-code cache holds status's functions only, not start's and the supervisor's run here next.
      saveCodeCacheNow(FAST_MAIN);
      const startArgv = ["start", "--json", "--name", fast.name, ...orStart];
      if (answerFd !== null) return await startAndSuperviseHere(startArgv, answerFd);
      await warmUp(startArgv);
      const started = await (await import("./cli-commands.js")).runCommandLine(startArgv, ctx);
      return started === 3 ? 1 : started;
    }
    const stop = parseFastStop(argv);
    if (stop !== null) return await (await import("./commands/stop.js")).stopCommand(stop, ctx);
    if (argv[0] === "start") await warmUp(argv);
    // The bundle embeds this module as source compiled on first use (scripts/build.mjs), so status never parses it.
    return await (await import("./cli-commands.js")).runCommandLine(argv, ctx);
  } catch (err) {
    const { lines, exitCode } = errorOutcome("jlremote", err);
    for (const line of lines) ctx.err(line);
    return exitCode;
  }
}

/**
 * A supervisor's first step, before its command tree compiles: the kernel keeper for its `run` argv's Jupyter (none
 * for another command). Its young generation is capped once its first Jupyter is spawned (src/io/young-generation.ts).
 */
async function supervisorAhead(argv: readonly string[]): Promise<CommandContext["earlyKeeper"]> {
  const jupyter = keeperJupyter(argv);
  const keeper =
    jupyter === null
      ? null
      : (await import("./io/keeper-process.js")).spawnEarlyKeeper(process.argv[1] ?? "", ctx.env, jupyter);
  return keeper ?? undefined;
}

/**
 * jllocal's cold start with an answer fd: start runs with a supervisor launched in this process (its keeper spawned
 * now, its Python start overlapping start's own work). Once start's result is out, the exit code goes on the answer fd
 * and, with a supervisor here, stdout and stderr are given up (ssh's session ends) and its run is this process's.
 */
async function startAndSuperviseHere(startArgv: string[], fd: number): Promise<ExitCode> {
  const here = hereModule ?? (await import("./io/supervise-here.js"));
  const { runCommandLine } = await import("./cli-commands.js");
  const runArgs = warmArgsFor(startArgv);
  const early =
    runArgs === null
      ? null
      : (await import("./io/keeper-process.js")).spawnEarlyKeeper(
          process.argv[1] ?? "",
          ctx.env,
          keeperJupyter(runArgs) ?? "jupyter",
        );
  const supervisor = here.superviseHere(ctx, runCommandLine, early);
  ctx.warmSupervisor = supervisor.warm;
  // ssh's channel may go away under this process (jllocal interrupted): a failed write to it must not end the
  // supervisor that may run here (a write's EPIPE is an 'error' event on these streams).
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  let code: ExitCode;
  try {
    const started = await runCommandLine(startArgv, ctx);
    code = started === 3 ? 1 : started;
  } catch (err) {
    const out = errorOutcome("jlremote", err);
    for (const line of out.lines) ctx.err(line);
    code = out.exitCode;
  }
  const running = supervisor.running();
  if (running === null) supervisor.warm.letGo();
  await stdoutWritten();
  answerFd = null;
  here.answer(fd, code);
  if (running === null) return code;
  // Its answer is out: the supervisor (whether start saw it ready or not) goes on here, out of ssh's session.
  here.leaveSession();
  return await running;
}

/** A start's first step: the supervisor's node starts now, while start takes the lock (src/core/warm-supervisor.ts). */
async function warmUp(argv: readonly string[]): Promise<void> {
  ctx.warmSupervisor = (await import("./io/warm-supervisor.js")).warmSupervisorFor(argv, ctx.self, ctx.env);
}

void main(process.argv.slice(2)).then((code) => {
  const command = process.argv[2] ?? "";
  // The supervisor (`run`), `stop` and `start` (also jllocal's status that started the instance) exit at once: their
  // logs, state writes, stdout and stderr lines are synchronous, and tearing down the heap (~15 ms for the supervisor,
  // ~10 ms for start, ~8 ms for stop) would only delay the end they stand for. A code cache still owed is saved at exit
  // (a supervisor's: at its first Jupyter's spawn, src/io/young-generation.ts).
  // jllocal's status that started the instance wrote its status line with writeStdout: that line is waited for.
  // chooseExit (src/io/exit-now.ts): node's own exit, without the exit event when nothing listens for it.
  // jllocal's cold path in the background reads the exit code on its answer fd (the others answered already).
  const here = hereModule;
  if (answerFd !== null && here !== null) {
    const fd = answerFd;
    answerFd = null;
    // Before the exit below (reactions to one promise run in order).
    void stdoutWritten().then(() => here.answer(fd, code));
  }
  if (startedHere || ["run", "stop", "start"].includes(command)) void stdoutWritten().then(() => chooseExit()(code));
  // `status` and `url` (each jllocal connect, scripts polling) exit once their lines are out: node's own teardown
  // took ~2.3 ms of status's ~11 ms over `node -e 0` (docs/benchmark.md, figure 1a).
  else if (command === "status" || command === "url")
    void Promise.all([stdoutWritten(), flushed()]).then(() => chooseExit()(code));
  else process.exitCode = code;
});
