// The one loopback sshd set-up, plain ESM so that test/helpers/sshd.ts (under tsx) and bench/ (plain node) share it:
// keys, sshd_config, the log, known_hosts and ssh client blocks under DIR/sshd. Callers stop it by its PID.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function keygen(file) {
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "jlremote-test", "-f", file], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** Start sshd on 127.0.0.1:`port` (see sshd-server.d.mts); resolves once it listens, else kills it and throws. */
export async function startSshdServer(opts) {
  const { dir, port, user, sessionEnv = {}, wrap = [], keys = ["clientkey"], logLevel = "VERBOSE", extra = [] } = opts;
  const d = join(dir, "sshd");
  mkdirSync(d, { recursive: true, mode: 0o700 });
  // sshd reads the authorized keys as the user it logs in.
  if (opts.traversable) chmodSync(d, 0o755);
  if (!existsSync("/run/sshd") && process.getuid?.() === 0) mkdirSync("/run/sshd", { mode: 0o755 });
  for (const k of ["hostkey", ...keys]) keygen(join(d, k));
  writeFileSync(join(d, "authorized_keys"), readFileSync(join(d, `${keys[0]}.pub`)), { mode: 0o644 });
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
      `LogLevel ${logLevel}`,
      "MaxStartups 50",
      ...extra,
      ...(setEnv ? [`SetEnv ${setEnv}`] : []),
      "",
    ].join("\n"),
  );
  const test = spawnSync("/usr/sbin/sshd", ["-t", "-f", cfg], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`sshd -t failed: ${test.stderr}`);
  const log = join(d, "sshd.log");
  writeFileSync(log, "");
  const argv = [...wrap, "/usr/sbin/sshd", "-D", "-e", "-f", cfg];
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", openSync(log, "a")] });
  const exited = new Promise((res) => child.once("exit", () => res(true)));
  let gone = false;
  exited.then(() => (gone = true));
  // A bounded poll of sshd's own "listening" line (no connection exists yet: killing sshd alone is enough).
  const deadline = Date.now() + 15_000;
  while (!readFileSync(log, "utf8").includes("Server listening")) {
    if (gone || Date.now() > deadline) {
      if (!gone) child.kill("SIGKILL");
      throw new Error(`sshd did not start: ${readFileSync(log, "utf8").trim()}`);
    }
    await Promise.race([exited, new Promise((res) => setTimeout(res, 20))]);
  }
  const hostPub = readFileSync(join(d, "hostkey.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  writeFileSync(join(d, "known_hosts"), `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o600 });
  /** An ssh config block: `alias` logs in as the user with `key` (default the authorized one) on `p`. */
  const hostBlock = (alias, key = keys[0], p = port) =>
    [
      `Host ${alias}`,
      "  HostName 127.0.0.1",
      `  Port ${p}`,
      `  User ${user}`,
      `  IdentityFile ${join(d, key)}`,
      "  IdentitiesOnly yes",
      "  StrictHostKeyChecking yes",
      `  UserKnownHostsFile ${join(d, "known_hosts")}`,
      // Never prompt, even when run in a terminal.
      "  BatchMode yes",
    ].join("\n");
  return { pid: child.pid, dir: d, log, hostBlock };
}
