// Asks the remote jlremote (over the master) for the instance's status, and starts it when it is not running.
import { ExitCode, JlremoteError } from "../core/errors.js";
import { isUsable, parseRemoteStatus, type RemoteStatus } from "../core/remote-status.js";
import { remoteCommandLine, type SshTarget } from "../core/ssh-command.js";
import { describeSshFailure, lastMeaningfulLine } from "../core/ssh-errors.js";
import type { LocalContext } from "./context.js";
import { runRemote } from "./ssh.js";

async function callJlremote(t: SshTarget, remoteCmd: string | null, args: string[], timeoutMs: number, onStderr?: (chunk: string) => void) {
  const r = await runRemote(t, remoteCommandLine(remoteCmd, args), timeoutMs, onStderr);
  const what = `\`jlremote ${args[0]}\` on ${t.host}`;
  if (r.timedOut) throw new JlremoteError(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s`);
  const status = parseRemoteStatus(r.stdout);
  if (r.exitCode === 127) {
    throw new JlremoteError(
      remoteCmd === null
        ? `jlremote not found on ${t.host} (not on PATH, no ~/.local/bin/jlremote); install it there and run \`jlremote install\`, or pass --remote-cmd`
        : `--remote-cmd '${remoteCmd}' not found on ${t.host} (${lastMeaningfulLine(r.stderr)}); check the path, or install jlremote there and run \`jlremote install\``,
    );
  }
  if (r.exitCode === 255 && status === null) throw new JlremoteError(describeSshFailure(t.host, r.exitCode, r.stderr));
  return { code: r.exitCode, status, stderr: r.stderr, stdout: r.stdout };
}

function remoteFailure(prefix: string, stderr: string, stdout: string): JlremoteError {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== "");
  const first = (lines[0] ?? lastMeaningfulLine(stdout) ?? "").replace(/^jlremote: /, "");
  return new JlremoteError(`${prefix}: ${first || "no output"}`, ExitCode.failure, {
    detail: lines.length > 1 ? lines.slice(1).join("\n") : undefined,
  });
}

/** The remote instance's status, after starting it if needed (and allowed). */
export async function ensureRemoteRunning(
  t: SshTarget, remoteCmd: string | null, name: string, start: { allowed: boolean; sock: boolean; extra?: string[] }, ctx: Pick<LocalContext, "err">,
): Promise<RemoteStatus> {
  const st = await callJlremote(t, remoteCmd, ["status", "--json", "--name", name], 60_000);
  if (st.status === null) throw remoteFailure(`unexpected answer from \`jlremote status\` on ${t.host}`, st.stderr, st.stdout);
  if (st.status.elsewhere) {
    throw new JlremoteError(`instance '${name}' runs on host ${st.status.host ?? "?"}, not on ${t.host} (shared home); run jllocal against that host`);
  }
  if (isUsable(st.status)) return st.status;
  const extra = start.extra ?? [];
  // A batch job (asked for now, or recorded remotely): `start` waits through the queue over the same connection.
  const queued = extra.includes("--scheduler") || st.status.jobId !== null;
  if (!start.allowed) {
    throw new JlremoteError(`instance '${name}' is ${st.status.state} on ${t.host}; run jllocal without --no-start to start it`, ExitCode.notRunning);
  }
  ctx.err(`jllocal: Jupyter '${name}' is ${st.status.state} on ${t.host}; starting it...`);
  const progress = queued ? relayLines((line) => ctx.err(`jllocal: ${t.host}: ${line.replace(/^jlremote: /, "")}`)) : undefined;
  const started = await callJlremote(t, remoteCmd, ["start", "--json", "--name", name, ...(start.sock ? ["--sock"] : []), ...extra], queued ? 7 * 24 * 3_600_000 : 240_000, progress);
  if (started.code !== 0 || started.status === null || !isUsable(started.status)) {
    throw remoteFailure(`\`jlremote start\` failed on ${t.host}`, started.stderr, started.stdout);
  }
  return started.status;
}

/** Calls `emit` once per complete line of a stream of chunks. */
function relayLines(emit: (line: string) => void): (chunk: string) => void {
  let buf = "";
  return (chunk) => {
    buf += chunk;
    const lines = buf.split(/\r?\n/);
    buf = lines.pop() ?? "";
    for (const l of lines) if (l.trim() !== "") emit(l);
  };
}
