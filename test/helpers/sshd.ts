// Test sshd on 127.0.0.1: temp host/client keys, an ssh config with aliases, a log to count logins; stopped by PID.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { alive, descendantsOf, freePort, killPid, waitFor } from "./cli.js";

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

function keygen(file: string): void {
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "jlremote-test", "-f", file], {
    stdio: "pipe",
  });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
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
  const d = join(dir, "sshd");
  mkdirSync(d, { recursive: true, mode: 0o700 });
  if (user !== userInfo().username) chmodSync(d, 0o755);
  if (!existsSync("/run/sshd") && process.getuid?.() === 0) mkdirSync("/run/sshd", { mode: 0o755 });
  for (const k of ["hostkey", "clientkey", "wrongkey"]) keygen(join(d, k));
  writeFileSync(join(d, "authorized_keys"), readFileSync(join(d, "clientkey.pub")), { mode: 0o644 });
  const [port, closedPort] = [await freePort(), await freePort()];
  const setEnv = Object.entries(sessionEnv)
    .map(([k, v]) => `"${k}=${v}"`)
    .join(" ");
  const cfg = join(d, "sshd_config");
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(d, "hostkey")}`,
      `PidFile ${join(d, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(d, "authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "AllowTcpForwarding yes",
      "AllowStreamLocalForwarding yes",
      "LogLevel VERBOSE",
      "MaxStartups 50",
      ...(setEnv ? [`SetEnv ${setEnv}`] : []),
      "",
    ].join("\n"),
  );
  const test = spawnSync("/usr/sbin/sshd", ["-t", "-f", cfg], { stdio: "pipe" });
  if (test.status !== 0) throw new Error(`sshd -t failed: ${test.stderr}`);
  const log = join(d, "sshd.log");
  writeFileSync(log, "");
  const argv = [...wrap, "/usr/sbin/sshd", "-D", "-e", "-f", cfg];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "ignore", openSync(log, "a")] });
  const pid = child.pid as number;
  const stop = async () => {
    for (const p of descendantsOf(pid)) killPid(p);
    killPid(pid, "SIGTERM");
    await waitFor("sshd to exit", () => !alive(pid), 5000).catch(() => killPid(pid));
  };
  try {
    await waitFor("sshd to listen", () => readFileSync(log, "utf8").includes("Server listening"), 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const hostPub = readFileSync(join(d, "hostkey.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  writeFileSync(join(d, "known_hosts"), `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o600 });
  const block = (alias: string, key: string, p: number) =>
    [
      `Host ${alias}`,
      "  HostName 127.0.0.1",
      `  Port ${p}`,
      `  User ${user}`,
      `  IdentityFile ${join(d, key)}`,
      "  IdentitiesOnly yes",
      "  StrictHostKeyChecking yes",
      `  UserKnownHostsFile ${join(d, "known_hosts")}`,
      // Never prompt, even when the tests run in a terminal.
      "  BatchMode yes",
    ].join("\n");
  const sshConfig = join(d, "ssh_config");
  const cluttered = [
    block("jlr-cluttered", "clientkey", port),
    `  LocalForward 127.0.0.1:${port} 127.0.0.1:22`,
    "  RemoteCommand echo cluttered",
    "  RequestTTY force",
  ].join("\n");
  writeFileSync(
    sshConfig,
    [
      block("jlr-test", "clientkey", port),
      block("jlr-wrongkey", "wrongkey", port),
      block("jlr-closed", "clientkey", closedPort),
      cluttered,
      "",
    ].join("\n"),
  );
  chmodSync(sshConfig, 0o600);
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
