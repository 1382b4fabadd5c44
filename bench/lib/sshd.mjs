// A loopback sshd for the jllocal figures (test/helpers/sshd-server.mjs, the tests' own set-up): the client's ssh
// config (`-F FILE`) under the sandbox; the remote side is a plain account whose HOME is a temp dir.
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { startSshdServer } from "../../test/helpers/sshd-server.mjs";
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

/**
 * Start sshd on 127.0.0.1 for `account`; every session gets `sessionEnv` (SetEnv: HOME, XDG and Jupyter dirs, PATH).
 * Returns { pid, port, sshConfig, alias, log, stop }. `dir` must be traversable by the account (sshd reads the keys
 * as it).
 */
export async function startSshd(dir, account, sessionEnv) {
  const port = await freePort();
  const server = await startSshdServer({
    dir,
    port,
    user: account.user,
    sessionEnv,
    traversable: true,
    logLevel: "INFO",
    extra: [`AllowUsers ${account.user}`, "MaxSessions 50"],
  });
  const { pid, log } = server;
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
  const alias = "jlr-bench";
  const sshConfig = join(server.dir, "ssh_config");
  writeFileSync(sshConfig, `${server.hostBlock(alias)}\n`, { mode: 0o600 });
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
