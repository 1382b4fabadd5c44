// A real remote account for jllocal tests: `useradd -m` (login shell bash), reached through its own loopback sshd;
// end() kills the account's processes by PID, stops sshd and removes the account with its home.
import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killPid, waitFor } from "./cli.js";
import { startSshd, type Sshd } from "./sshd.js";

/** One account behind sshd. */
export interface Account {
  user: string;
  uid: number;
  home: string;
  sshd: Sshd;
  /** Run `sh -c script` as the account (runuser), with its home as HOME; returns stdout, throws on failure. */
  run: (script: string) => string;
  end: () => Promise<void>;
}

/** PIDs of live processes owned by `uid`. */
export function processesOf(uid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${e}/status`, "utf8"));
      if (m && Number(m[1]) === uid) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * Create account `user` (a name unique to the test: other tests run at the same time), with `bashrcTop` as the first
 * lines of its ~/.bashrc (what `ssh host cmd` reads), and start its sshd under `dir` (made traversable for it; `sshdWrap`
 * as for startSshd).
 */
export async function createAccount(
  dir: string,
  user: string,
  bashrcTop = "",
  sshdWrap: readonly string[] = [],
): Promise<Account> {
  spawnSync("userdel", ["-r", user], { stdio: "ignore" });
  const r = spawnSync("useradd", ["-m", "-s", "/bin/bash", "-c", "jlremote test (remote side)", user], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`useradd ${user}: ${r.stderr}`);
  // sshd without PAM refuses a locked account (useradd's "!" password).
  spawnSync("usermod", ["-p", "*", user]);
  const id = (flag: string) => Number(spawnSync("id", [flag, user], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const home = spawnSync("sh", ["-c", `getent passwd ${user} | cut -d: -f6`], { encoding: "utf8" }).stdout.trim();
  const run = (script: string) => {
    const res = spawnSync("/usr/sbin/runuser", ["-u", user, "--", "sh", "-c", script], {
      encoding: "utf8",
      cwd: home,
      env: { PATH: "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" },
    });
    if (res.status !== 0) throw new Error(`as ${user}: ${script}: exit ${res.status}: ${res.stderr}`);
    return res.stdout;
  };
  if (bashrcTop !== "") {
    const rc = join(home, ".bashrc");
    let old = "";
    try {
      old = readFileSync(rc, "utf8");
    } catch {
      /* none */
    }
    writeFileSync(rc, `${bashrcTop}\n${old}`);
    spawnSync("chown", [`${user}:`, rc]);
  }
  chmodSync(dir, 0o711);
  const end = async () => {
    for (let round = 0; round < 3; round += 1) {
      const pids = processesOf(uid);
      if (pids.length === 0) break;
      for (const p of pids) killPid(p);
      await waitFor(`${user}'s processes to exit`, () => processesOf(uid).length === 0, 5000).catch(() => {});
    }
    await sshd.stop();
    spawnSync("userdel", ["-r", user], { stdio: "ignore" });
  };
  let sshd: Sshd;
  try {
    sshd = await startSshd(dir, { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" }, user, sshdWrap);
  } catch (err) {
    spawnSync("userdel", ["-r", user], { stdio: "ignore" });
    throw err;
  }
  return { user, uid, home, sshd, run, end };
}
