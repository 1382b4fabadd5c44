// Asks the remote jlremote (over the master) for the instance's status, and starts it when it is not running.
import { EARLY_TARGET_ENV, withoutEarlyLines } from "../core/early-target.js";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { finalAnswer, isUsable, parseRemoteStatus, type RemoteStatus } from "../core/remote-status.js";
import {
  LISTEN_DEFAULT_ENV,
  remoteCommandLine,
  START_MARKER,
  statusOrStartLine,
  type ForwardTarget,
  type SshTarget,
} from "../core/ssh-command.js";
import { DEPLOY_EXIT, parseProbe, type OwnVersion, type RemoteProbe } from "../core/remote-lookup.js";
import { describeSshFailure, lastMeaningfulLine } from "../core/ssh-errors.js";
import type { LocalContext } from "./context.js";
import { runRemote } from "./ssh.js";
import { startStderr } from "./start-stderr.js";

/** Which jlremote the remote commands run (src/core/remote-lookup.ts), and how to install jllocal's own version. */
export interface RemoteSide {
  /** --remote-cmd (the lookup then is that command, nothing is installed), or null. */
  cmd: string | null;
  /** jllocal's own version, preferred on the remote (null with --remote-cmd). */
  own: OwnVersion | null;
  /** Installs jllocal's version on the remote the probe describes; null: never (the warm path, --no-install). */
  install: ((probe: RemoteProbe) => Promise<void>) | null;
}

/** The instance runs on another login node of the same home (`jlremote status` exit 4): `runsOn` as it recorded. */
export class RunsElsewhere extends JlremoteError {
  constructor(
    readonly instance: string,
    readonly runsOn: string | null,
    readonly host: string,
  ) {
    super(
      `instance '${instance}' runs on host ${runsOn ?? "?"}, not on ${host} (shared home); run jllocal against that host`,
    );
  }
}

function notFound(t: SshTarget, remote: RemoteSide, stderr: string): JlremoteError {
  if (remote.cmd !== null) {
    return new JlremoteError(
      `--remote-cmd '${remote.cmd}' not found on ${t.host} (${lastMeaningfulLine(stderr)}); check the path, or install jlremote there and run \`jlremote install\``,
    );
  }
  return new JlremoteError(
    remote.own !== null && !remote.own.probe
      ? `jlremote not found on ${t.host} (no installed ${remote.own.version}, not on PATH, no ~/.local/bin/jlremote); run jllocal without --no-install to install it there, or pass --remote-cmd`
      : `jlremote not found on ${t.host} (not on PATH, no ~/.local/bin/jlremote); install it there and run \`jlremote install\`, or pass --remote-cmd`,
  );
}

async function callJlremote(
  t: SshTarget,
  remote: RemoteSide,
  args: string[],
  timeoutMs: number,
  line = remoteCommandLine(remote.cmd, args, {}, remote.own),
  onStderr?: (chunk: string) => void,
  holdStdin = false,
) {
  // A status (or start) that printed a running instance's status line has said all it will: not waited for further.
  // Not with a held stdin (a queued start reads its EOF: jllocal's end must come after start's).
  const doneAt = !holdStdin && (args[0] === "status" || args[0] === "start") ? finalAnswer : undefined;
  let r = await runRemote(t, line, timeoutMs, onStderr, holdStdin, doneAt);
  const probe = r.exitCode === DEPLOY_EXIT ? parseProbe(r.stdout) : null;
  if (probe !== null && remote.install !== null) {
    // No jlremote of jllocal's version there: install it over this master, then the same command again.
    await remote.install(probe);
    r = await runRemote(t, line, timeoutMs, onStderr, holdStdin, doneAt);
  }
  const what = `\`jlremote ${args[0]}\` on ${t.host}`;
  if (r.timedOut) throw new JlremoteError(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s`);
  const status = parseRemoteStatus(r.stdout);
  if (r.exitCode === 127) throw notFound(t, remote, r.stderr);
  if (r.exitCode === 255 && status === null) throw new JlremoteError(describeSshFailure(t.host, r.exitCode, r.stderr));
  return { code: r.exitCode, status, stderr: withoutEarlyLines(r.stderr), stdout: r.stdout };
}

function remoteFailure(prefix: string, stderr: string, stdout: string, code: number | null = null): JlremoteError {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== "");
  const first = (lines[0] ?? lastMeaningfulLine(stdout) ?? "").replace(/^jlremote: /, "");
  // The remote's usage errors (a bad --profile, a bad remembered option) are the user's to fix: exit 2 here too.
  return new JlremoteError(
    `${prefix}: ${first || "no output"}`,
    code === ExitCode.usage ? ExitCode.usage : ExitCode.failure,
    {
      detail: lines.length > 1 ? lines.slice(1).join("\n") : undefined,
    },
  );
}

function statusCall(t: SshTarget, remote: RemoteSide, name: string) {
  return callJlremote(t, remote, ["status", "--json", "--name", name], 60_000);
}

/** The remote `jlremote status --json` over the master (one round trip); null when it printed no status. */
export async function remoteStatus(t: SshTarget, remote: RemoteSide, name: string): Promise<RemoteStatus | null> {
  return (await statusCall(t, remote, name)).status;
}

/** `jlremote restart --new-credentials` on the remote (a new token and cookie secret), then its status. */
export async function renewRemoteCredentials(t: SshTarget, remote: RemoteSide, name: string): Promise<RemoteStatus> {
  const r = await callJlremote(t, remote, ["restart", "--new-credentials", "--name", name], 240_000);
  if (r.code !== 0)
    throw remoteFailure(`\`jlremote restart --new-credentials\` failed on ${t.host}`, r.stderr, r.stdout, r.code);
  const st = await remoteStatus(t, remote, name);
  if (st === null || !isUsable(st)) throw new JlremoteError(`no usable status of '${name}' from ${t.host}`);
  return st;
}

/** The remote instance's status (`known`: one just read over this master), after starting it if needed (and allowed). */
export async function ensureRemoteRunning(
  t: SshTarget,
  remote: RemoteSide,
  name: string,
  start: {
    allowed: boolean;
    sock: boolean | undefined;
    extra?: string[];
    /** Told where a starting Jupyter will listen, before start's result (the remote's early line); at most once. */
    early?: (target: ForwardTarget) => void;
  },
  ctx: Pick<LocalContext, "err">,
  known: RemoteStatus | null = null,
): Promise<RemoteStatus> {
  const startArgs = [...(start.sock ? ["--sock"] : []), ...(start.extra ?? [])];
  // A batch job (asked for now, or recorded remotely): `start` waits through the queue over the same connection.
  // A profile may pick a scheduler too: the queue wait gets the long timeout and the progress lines.
  const queued =
    startArgs.some((a) => a === "--scheduler" || a.startsWith("--profile=")) ||
    (known !== null && known.jobId !== null);
  const startTimeout = queued ? 7 * 24 * 3_600_000 : 240_000;
  // Queued: if jllocal ends (Ctrl-C) while the job waits, the remote start reads EOF and cancels the queued job.
  const hangup: Record<string, string> = {
    ...(queued ? { JLREMOTE_CANCEL_ON_EOF: "1" } : {}),
    // No TCP port on the login node for the laptop flow, unless the instance's settings ask for one.
    ...(start.sock === undefined && !queued ? { [LISTEN_DEFAULT_ENV]: "sock" } : {}),
    ...(start.early !== undefined ? { [EARLY_TARGET_ENV]: "1" } : {}),
  };
  const progress = startStderr(t.host, queued, start.early, ctx);
  // Cold path: status and, when it says "not running", start, in one round trip.
  const st =
    known !== null
      ? { status: known, stderr: "", stdout: "" }
      : start.allowed
        ? await callJlremote(
            t,
            remote,
            ["status"],
            startTimeout,
            // Not a queued start (its wait reads jllocal's EOF on stdin): the supervisor may stay in the remote status.
            statusOrStartLine(remote.cmd, name, startArgs, hangup, remote.own, !queued),
            progress,
            queued,
          )
        : await statusCall(t, remote, name);
  const marker = st.stdout.indexOf(START_MARKER);
  if (marker >= 0) {
    const before = parseRemoteStatus(st.stdout.slice(0, marker));
    const after = parseRemoteStatus(st.stdout.slice(marker));
    if ("code" in st && st.code === 0 && after !== null && isUsable(after)) {
      ctx.err(
        `jllocal: Jupyter '${name}' was not running on ${t.host}${before?.state ? ` (${before.state})` : ""}; started it`,
      );
      return after;
    }
    throw remoteFailure(
      `\`jlremote start\` failed on ${t.host}`,
      st.stderr,
      st.stdout.slice(marker + START_MARKER.length),
      "code" in st ? st.code : null,
    );
  }
  if (st.status === null)
    throw remoteFailure(`unexpected answer from \`jlremote status\` on ${t.host}`, st.stderr, st.stdout);
  if (st.status.elsewhere) throw new RunsElsewhere(name, st.status.host, t.host);
  if (isUsable(st.status)) return st.status;
  if (!start.allowed) {
    throw new JlremoteError(
      `instance '${name}' is ${st.status.state} on ${t.host}; run jllocal without --no-start to start it`,
      ExitCode.notRunning,
    );
  }
  ctx.err(`jllocal: Jupyter '${name}' is ${st.status.state} on ${t.host}; starting it...`);
  const startArgv = ["start", "--json", "--name", name, ...startArgs];
  const started = await callJlremote(
    t,
    remote,
    startArgv,
    startTimeout,
    remoteCommandLine(remote.cmd, startArgv, hangup, remote.own),
    progress,
    queued,
  );
  if (started.code !== 0 || started.status === null || !isUsable(started.status)) {
    throw remoteFailure(`\`jlremote start\` failed on ${t.host}`, started.stderr, started.stdout, started.code);
  }
  return started.status;
}
