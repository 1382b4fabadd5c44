// The laptop side of figures 7 and 8: a loopback sshd to a plain account, jlremote installed there with its launcher,
// JupyterLab 4 from the venv when it exists (else Debian's Jupyter), and runners for jllocal, ssh and the seed.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CLI } from "./jlremote.mjs";
import { sameProcess } from "./proc.mjs";
import { remoteAccount, remoteHome, startSshd } from "./sshd.mjs";
import { expectOk, timed } from "./timing.mjs";

/** The built jllocal. */
export const JLLOCAL = resolve(import.meta.dirname, "../../dist/jllocal.cjs");
const venv = process.env.JLREMOTE_JUPYTERLAB_VENV ?? resolve(import.meta.dirname, "../../.cache/jupyterlab-venv");

/** Which Jupyter the remote sessions find first on PATH. */
export function remoteJupyter() {
  if (existsSync(join(venv, ".complete")) && existsSync(join(venv, "bin/jupyter-lab"))) {
    return { label: "JupyterLab 4 (venv)", bin: join(venv, "bin"), app: "lab" };
  }
  return { label: "Debian's Jupyter (jupyter_server 1.23)", bin: null, app: "server" };
}

/**
 * Start the remote side: account, HOME, sshd, `jlremote install` run over ssh (as a user would). Returns a context
 * with `ssh(args)`, `jllocal(args)`, `stop()`; its processes are recorded in the sandbox for cleanup.
 */
export async function startRemote(sb) {
  const account = remoteAccount();
  const jupyter = remoteJupyter();
  // The account must reach its HOME and the sshd files under the sandbox (0700 by default).
  chmodSync(sb.dir, 0o711);
  const path = [jupyter.bin, "/usr/local/bin", "/usr/bin", "/bin"].filter(Boolean).join(":");
  const { home, env: sessionEnv } = remoteHome(sb.dir, account, path);
  const sshd = await startSshd(sb.dir, account, sessionEnv);
  sb.remember(sshd.pid);
  sb.killRoots.push(join(sessionEnv.XDG_STATE_HOME, "jlremote"));
  const host = sshd.alias;
  const base = ["-F", sshd.sshConfig];
  const ctx = {
    account,
    jupyter,
    home,
    host,
    sshd,
    sessionEnv,
    /** A plain ssh command (its own login unless `-S` says otherwise), timed. */
    ssh: (args, opts = {}) =>
      timed(["ssh", ...base, ...args], { env: sb.env, cwd: sb.rootDir, track: sb.inflight, ...opts }),
    /** `jllocal ...args --ssh-config FILE`, timed. */
    jllocal: (args) =>
      timed([process.execPath, JLLOCAL, ...args, "--ssh-config", sshd.sshConfig], {
        env: sb.env,
        cwd: sb.rootDir,
        track: sb.inflight,
      }),
    /** jllocal's control socket for the host (the master's), read from its tunnel records. */
    controlPath: () => {
      const dir = join(sb.env.XDG_STATE_HOME, "jlremote", "local", "tunnels");
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".json")))
        return JSON.parse(readFileSync(join(dir, f), "utf8")).controlPath;
      throw new Error("no tunnel record");
    },
  };
  // As a user would: run the bundle once over ssh to write ~/.local/bin/jlremote (absolute node and bundle paths).
  expectOk(await ctx.ssh([host, `${process.execPath} ${CLI} install`]), "jlremote install over ssh");
  return ctx;
}

/**
 * End the ssh masters jllocal started: `ssh -O exit` on every control socket in the sandbox (also one whose run was cut
 * short before it recorded the tunnel), then SIGKILL to the recorded ones still alive (identity-checked).
 */
export function killRecordedMasters(sb) {
  const cm = join(sb.env.XDG_STATE_HOME, "jlremote", "local", "cm");
  let sockets = [];
  try {
    sockets = readdirSync(cm);
  } catch {
    /* none */
  }
  for (const s of sockets)
    spawnSync("ssh", ["-F", "/dev/null", "-o", `ControlPath=${join(cm, s)}`, "-O", "exit", "x"], {
      stdio: "ignore",
      timeout: 5000,
    });
  const dir = join(sb.env.XDG_STATE_HOME, "jlremote", "local", "tunnels");
  let files = [];
  try {
    files = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return;
  }
  for (const f of files) {
    try {
      const { master } = JSON.parse(readFileSync(join(dir, f), "utf8"));
      if (sameProcess(master.pid, master.startTime)) process.kill(master.pid, "SIGKILL");
    } catch {
      /* gone or unreadable */
    }
  }
}

/** The PID of the process holding a socket that listens on 127.0.0.1:port (from /proc), or null. */
export function listenerPid(port) {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[1] === want && f[3] === "0A") inodes.add(`socket:[${f[9]}]`);
  }
  if (inodes.size === 0) return null;
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    let fds = [];
    try {
      fds = readdirSync(`/proc/${e}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${e}/fd/${fd}`))) return Number(e);
      } catch {
        /* gone */
      }
    }
  }
  return null;
}

/** The seed's shell function, as the blog post has it: a tunnel with `ssh -fN -L` if none runs, then the URL from `jupyter server list`. */
export function writeSeedFunction(sb, sshConfig) {
  const file = join(sb.dir, "seed-jllocal.sh");
  writeFileSync(
    file,
    `# jllocal HOST LOCALPORT REMOTEPORT: the seed workflow's shell function (bench copy; -F for the bench's ssh config).
jllocal() {
  host=$1 lport=$2 rport=$3
  if ! pgrep -f "ssh -F ${sshConfig} -fN -L $lport:localhost:$rport $host" >/dev/null; then
    ssh -F ${sshConfig} -fN -L "$lport:localhost:$rport" "$host"
  fi
  url=$(ssh -F ${sshConfig} "$host" 'jupyter server list' | grep -o 'http://[^ ]*' | head -n 1)
  echo "$url" | sed "s#//[^/]*/#//localhost:$lport/#"
}
jllocal "$@"
`,
  );
  return file;
}
