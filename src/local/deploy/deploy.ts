// jllocal's self-deploy over the master it holds: pick the node (src/core/node-runtime.ts), fetch the pinned runtime
// when needed, stream bundle (+ runtime) into one remote `sh` (src/core/deploy-script.ts), say what was done.
import { spawn } from "node:child_process";
import { deployCommandLine, parseDeployOutput } from "../../core/deploy-script.js";
import { ExitCode, JlremoteError } from "../../core/errors.js";
import { chooseNode } from "../../core/node-runtime.js";
import { DEPLOY_ROOT, type RemoteProbe } from "../../core/remote-lookup.js";
import { lastMeaningfulLine } from "../../core/ssh-errors.js";
import { execArgs, type SshTarget } from "../../core/ssh-command.js";
import type { Progress } from "../../core/progress.js";
import type { LocalContext } from "../context.js";
import { payloadItems, payloadSize, writePayload } from "./payload.js";
import { cachedRuntime } from "./runtime-cache.js";
import { monotonicMs } from "../../io/clock.js";

/** What jllocal deploys: its own version, from the directory of its bundle. */
export interface DeploySource {
  version: string;
  /** The directory holding jlremote.cjs and python/ (next to jllocal.cjs). */
  distDir: string;
  /** --remote-node / remoteNode: the node the deployed jlremote runs on, or null to choose. */
  remoteNode: string | null;
  /** Where the copy's progress goes (live only: a TTY shows it, nothing else does). */
  progress: Progress;
}

/** Progress after the first second: "copying to HOST: 12.3 of 42.7 MB". */
function progressReporter(host: string, total: number, progress: Progress) {
  const start = monotonicMs();
  let last = 0;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return {
    sent(n: number) {
      const now = monotonicMs();
      if (now - start < 1000 || (now - last < 200 && n < total)) return;
      last = now;
      progress.show(`jllocal: copying to ${host}: ${mb(n)} of ${mb(total)} MB`, null);
    },
    done() {
      progress.done();
    },
  };
}

/** Install `src`'s version on the remote the probe describes; throws (nothing copied) when no node can run it. */
export async function deployOwnVersion(
  t: SshTarget,
  probe: RemoteProbe,
  src: DeploySource,
  ctx: Pick<LocalContext, "err" | "env">,
): Promise<void> {
  const node = chooseNode(probe, src.remoteNode !== null);
  if (node.kind === "error")
    throw new JlremoteError(`cannot install jlremote on ${t.host}: ${node.message}`, ExitCode.failure);
  const runtime = node.kind === "push" ? await cachedRuntime(node.pkg, node.version, node.integrity, ctx.env) : null;
  const items = payloadItems(src.distDir, runtime, src.version);
  const total = payloadSize(items);
  const report = progressReporter(t.host, total, src.progress);
  const child = spawn("ssh", execArgs(t, deployCommandLine(src.version, node)), { stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (d: Buffer) => out.push(d));
  child.stderr.on("data", (d: Buffer) => err.push(d));
  const closed = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 255));
  });
  // A remote that stops reading (the script failed) ends the write with EPIPE: its exit and stderr tell why.
  child.stdin.on("error", () => {});
  await writePayload(items, child.stdin, (n) => report.sent(n)).catch(() => {});
  const code = await closed;
  report.done();
  const result = parseDeployOutput(Buffer.concat(out).toString());
  if (code !== 0 || !result.done) {
    const why = lastMeaningfulLine(Buffer.concat(err).toString()) || `exit ${code}`;
    throw new JlremoteError(
      `installing jlremote ${src.version} on ${t.host} failed: ${why.replace(/^jlremote: /, "")}; run jllocal again (a partial copy is never used)`,
    );
  }
  const where = `~/${DEPLOY_ROOT}`;
  const runs =
    node.kind === "path"
      ? `running on ${node.node} (${node.version})`
      : node.kind === "runtime"
        ? `running on the Node.js ${node.version} deployed before`
        : `with Node.js ${node.version} installed in ${where}/node-${node.version}`;
  const launcher =
    result.launcher === "ok"
      ? "~/.local/bin/jlremote runs it"
      : `~/.local/bin/jlremote left alone${result.why ? ` (${result.why})` : ""}`;
  ctx.err(`jllocal: installed jlremote ${src.version} on ${t.host} in ${where}/${src.version}, ${runs}; ${launcher}`);
}
