// A loopback sshd for the jllocal figures (ported from test/helpers/sshd.ts): keys, sshd_config, the client's ssh
// config (`-F FILE`) and known_hosts under the sandbox; the remote side is a plain account whose HOME is a temp dir.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { alive, descendants, sleep } from "./proc.mjs";
import { freePort } from "./jupyter.mjs";

/** The account the "remote" runs as: `jlrbench` (created with `useradd -m` when absent, as root), else this user. */
export function remoteAccount() {
  const me = userInfo();
  if (process.getuid?.() !== 0) return { user: me.username, uid: me.uid, gid: me.gid, plain: false };
  const name = "jlrbench";
  if (spawnSync("id", ["-u", name], { stdio: "ignore" }).status !== 0) {
    const r = spawnSync("useradd", ["-m", "-s", "/bin/bash", "-c", "jlremote benchmark (remote side)", name], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`useradd ${name} failed: ${r.stderr.trim()}`);
  }
  // sshd without PAM refuses a locked account (useradd's "!" password).
  spawnSync("usermod", ["-p", "*", name], { stdio: "ignore" });
  const id = (flag) => Number(spawnSync("id", [flag, name], { encoding: "utf8" }).stdout.trim());
  return { user: name, uid: id("-u"), gid: id("-g"), plain: true };
}

function keygen(file) {
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "jlremote-bench", "-f", file], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/**
 * Start sshd on 127.0.0.1 for `account`; every session gets `sessionEnv` (SetEnv: HOME, XDG and Jupyter dirs, PATH).
 * Returns { pid, port, sshConfig, alias, stop }. `dir` must be traversable by the account (sshd reads the keys as it).
 */
export async function startSshd(dir, account, sessionEnv) {
  const d = join(dir, "sshd");
  mkdirSync(d, { recursive: true, mode: 0o755 });
  chmodSync(d, 0o755);
  if (!existsSync("/run/sshd") && process.getuid?.() === 0) mkdirSync("/run/sshd", { mode: 0o755 });
  for (const k of ["hostkey", "clientkey"]) keygen(join(d, k));
  writeFileSync(join(d, "authorized_keys"), readFileSync(join(d, "clientkey.pub")), { mode: 0o644 });
  const port = await freePort();
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
      `AllowUsers ${account.user}`,
      "LogLevel INFO",
      "MaxStartups 50",
      "MaxSessions 50",
      `SetEnv ${setEnv}`,
      "",
    ].join("\n"),
  );
  const test = spawnSync("/usr/sbin/sshd", ["-t", "-f", cfg], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`sshd -t failed: ${test.stderr}`);
  const log = join(d, "sshd.log");
  writeFileSync(log, "");
  const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", cfg], { stdio: ["ignore", "ignore", openSync(log, "a")] });
  const pid = child.pid;
  const stop = async () => {
    for (const p of descendants(pid)) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* gone */
    }
    for (let i = 0; i < 100 && alive(pid); i += 1) await sleep(50);
    if (alive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  };
  const deadline = Date.now() + 10_000;
  while (!readFileSync(log, "utf8").includes("Server listening")) {
    if (Date.now() > deadline || !alive(pid)) {
      await stop();
      throw new Error(`sshd did not start: ${readFileSync(log, "utf8").trim()}`);
    }
    await sleep(20);
  }
  const hostPub = readFileSync(join(d, "hostkey.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  writeFileSync(join(d, "known_hosts"), `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o600 });
  const alias = "jlr-bench";
  const sshConfig = join(d, "ssh_config");
  writeFileSync(
    sshConfig,
    [
      `Host ${alias}`,
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      `  User ${account.user}`,
      `  IdentityFile ${join(d, "clientkey")}`,
      "  IdentitiesOnly yes",
      "  StrictHostKeyChecking yes",
      `  UserKnownHostsFile ${join(d, "known_hosts")}`,
      "  BatchMode yes",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return { pid, port, sshConfig, alias, log, stop };
}

/** A HOME for the remote account under `dir` (owned by it), with the session environment pointing into it. */
export function remoteHome(dir, account, path) {
  const home = join(dir, "remote-home");
  mkdirSync(home, { mode: 0o700 });
  chownSync(home, account.uid, account.gid);
  const env = {
    HOME: home,
    PATH: path,
    XDG_STATE_HOME: join(home, ".local/state"),
    XDG_CONFIG_HOME: join(home, ".config"),
    JUPYTER_RUNTIME_DIR: join(home, ".jupyter-runtime"),
    JUPYTER_CONFIG_DIR: join(home, ".jupyter"),
    JUPYTER_DATA_DIR: join(home, ".jupyter-data"),
    IPYTHONDIR: join(home, ".ipython"),
    LANG: "C.UTF-8",
  };
  return { home, env };
}
