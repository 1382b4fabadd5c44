// Test sshd on 127.0.0.1: temp host/client keys, an ssh config with aliases, a log to count logins; stopped by PID.
import { readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { alive, descendantsOf, freePort, killPid, waitFor } from "./cli.js";
import { startSshdServer } from "./sshd-server.mjs";

/** A running test sshd and the client side that reaches it. */
export interface Sshd {
  pid: number;
  port: number;
  /** ssh config file with the aliases below (pass it as `jllocal --ssh-config`). */
  sshConfig: string;
  /** Alias that logs in with the authorized key. */
  alias: string;
  /** Alias that offers a key the server does not accept. */
  wrongKeyAlias: string;
  /** Alias pointing at a port where nothing listens. */
  closedAlias: string;
  /** Alias whose config adds a LocalForward on a busy port, a RemoteCommand and RequestTTY force. */
  clutteredAlias: string;
  /** sshd's log (LogLevel VERBOSE). */
  log: string;
  /** Successful public-key logins so far. */
  logins: () => number;
  /** Kill sshd and its per-connection children by PID. */
  stop: () => Promise<void>;
}

/**
 * Start sshd under `dir`; `sessionEnv` is set in every session (SetEnv), e.g. HOME and XDG dirs of a sandbox; the
 * aliases log in as `user` (default: this user; another account needs `dir` traversable: sshd reads its keys as it);
 * `wrap` runs sshd through a command that execs it (e.g. `nsenter --mount=…` for a private /etc/hosts).
 */
export async function startSshd(
  dir: string,
  sessionEnv: Record<string, string>,
  user = userInfo().username,
  wrap: readonly string[] = [],
): Promise<Sshd> {
  const port = await freePort();
  // Where nothing listens, ever: a port freePort() had released could be handed out again (to this sshd or another
  // test's), and the "closed" host would then log in (seen in a CI run). Port 1 is below every ephemeral range.
  const closedPort = 1;
  const server = await startSshdServer({
    dir,
    port,
    user,
    sessionEnv,
    wrap,
    keys: ["clientkey", "wrongkey"],
    traversable: user !== userInfo().username,
  });
  const { pid, log, hostBlock } = server;
  const stop = async () => {
    for (const p of descendantsOf(pid)) killPid(p);
    killPid(pid, "SIGTERM");
    await waitFor("sshd to exit", () => !alive(pid), 5000).catch(() => killPid(pid));
  };
  const sshConfig = join(server.dir, "ssh_config");
  const cluttered = [
    hostBlock("jlr-cluttered"),
    `  LocalForward 127.0.0.1:${port} 127.0.0.1:22`,
    "  RemoteCommand echo cluttered",
    "  RequestTTY force",
  ].join("\n");
  writeFileSync(
    sshConfig,
    [
      hostBlock("jlr-test"),
      hostBlock("jlr-wrongkey", "wrongkey"),
      hostBlock("jlr-closed", "clientkey", closedPort),
      cluttered,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return {
    pid,
    port,
    sshConfig,
    alias: "jlr-test",
    wrongKeyAlias: "jlr-wrongkey",
    closedAlias: "jlr-closed",
    clutteredAlias: "jlr-cluttered",
    log,
    stop,
    logins: () => (readFileSync(log, "utf8").match(/Accepted publickey/g) ?? []).length,
  };
}
