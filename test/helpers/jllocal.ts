// Running the built jllocal in tests, and ending every ssh master it left, found through its records and sockets.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { alive, CLI, killPid, killRecorded, sandbox, startTime, waitFor, type RunResult, type Sandbox } from "./cli.js";
import { startSshd, type Sshd } from "./sshd.js";
import { hereNodeFlagsLine } from "../../src/core/launcher.js";
import { launcherVersionLine } from "../../src/core/remote-lookup.js";
import { SUPERVISOR_NODE_FLAGS } from "../../src/io/supervisor-argv.js";

/** The built jllocal under test. */
export const JLLOCAL = resolve(import.meta.dirname, "../../dist/jllocal.cjs");

/** Run the built jllocal to completion (bounded by `timeoutMs`); stdin is an empty pipe. */
export function runJllocal(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [JLLOCAL, ...args], { env, cwd: env.HOME, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    child.stdin.end("");
  });
}

/** PIDs of the ssh masters jllocal recorded (still the same processes) or that answer on its control sockets. */
export function localMasters(localRoot: string, sshConfig: string): number[] {
  const pids = new Set<number>();
  const tunnels = join(localRoot, "tunnels");
  let files: string[] = [];
  try {
    files = readdirSync(tunnels).filter((f) => f.endsWith(".json"));
  } catch {
    /* none */
  }
  for (const f of files) {
    try {
      const r = JSON.parse(readFileSync(join(tunnels, f), "utf8")) as { master: { pid: number; startTime: number } };
      if (startTime(r.master.pid) === String(r.master.startTime) && alive(r.master.pid)) pids.add(r.master.pid);
    } catch {
      /* unreadable */
    }
  }
  let sockets: string[] = [];
  try {
    sockets = readdirSync(join(localRoot, "cm"));
  } catch {
    /* none */
  }
  for (const s of sockets) {
    const r = spawnSync("ssh", ["-F", sshConfig, "-o", `ControlPath=${join(localRoot, "cm", s)}`, "-O", "check", "x"], {
      encoding: "utf8",
      timeout: 5000,
    });
    const m = /pid=(\d+)/.exec(r.stderr ?? "");
    if (m) pids.add(Number(m[1]));
  }
  return [...pids];
}

/** PIDs of live processes whose command line mentions `path` (read-only check: "no ssh process of ours left"). */
export function processesMentioning(path: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, "utf8").includes(path) && alive(Number(e))) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * The TCP ports `pid` listens on (its forwards, for an ssh master), from /proc/net/tcp and its fds; sorted. The kernel
 * hands /proc/net/tcp out a page per read and finds its place again by position, so a read can skip a socket while
 * other tests' sockets come and go (CI once missed two forwards): a socket of `pid` that none of three reads lists is
 * taken as not listening.
 */
export function listeningPorts(pid: number): number[] {
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
  } catch {
    return [];
  }
  const ports = new Set<number>();
  for (let read = 0; read < 3; read++)
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"])
      for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[3] === "0A" && fds.includes(`socket:[${f[9]}]`))
          ports.add(Number.parseInt((f[1] ?? "").split(":")[1] ?? "", 16));
      }
  return [...ports].sort((a, b) => a - b);
}

/** SIGKILL every master found by localMasters and wait until they are gone. */
export async function killLocalMasters(localRoot: string, sshConfig: string): Promise<void> {
  const pids = localMasters(localRoot, sshConfig);
  for (const p of pids) killPid(p);
  await waitFor("ssh masters to exit", () => pids.every((p) => !alive(p)), 5000);
}

/** A jllocal test's "remote" account behind a real sshd on loopback: its HOME (with a jlremote launcher) and state. */
export interface RemoteHost {
  sshd: Sshd;
  home: string;
  remoteState: string;
}

/** The version the built bundles carry (package.json's). */
export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string }
  ).version;
}

/**
 * Start the remote account in `dir`: HOME with the launcher `jlremote install` would write, its own XDG and Jupyter
 * dirs, `config` (when given) as its defaults file ~/.config/jlremote/config.json, and `extraEnv` for its sessions.
 */
export async function startRemoteHost(
  dir: string,
  config?: unknown,
  extraEnv: Record<string, string> = {},
): Promise<RemoteHost> {
  const home = join(dir, "remote-home");
  const remoteState = join(dir, "remote-state");
  mkdirSync(join(home, ".local", "bin"), { recursive: true });
  mkdirSync(join(home, "work"));
  mkdirSync(join(home, "jc"));
  const launcher = join(home, ".local", "bin", "jlremote");
  // With its version line and its node flags for the cold path, as `jlremote install` writes them: jllocal's cold path
  // then runs in the background and the supervisor of a start stays in the remote status process, with a
  // supervisor's node flags (src/core/ssh-command.ts, src/core/launcher.ts).
  writeFileSync(
    launcher,
    [
      "#!/bin/sh",
      launcherVersionLine(packageVersion()),
      'cd "$HOME/work" || exit 1',
      `node=${process.execPath}`,
      `bundle=${CLI}`,
      hereNodeFlagsLine(SUPERVISOR_NODE_FLAGS),
      'exec "$node" "$bundle" "$@"',
      "",
    ].join("\n"),
  );
  chmodSync(launcher, 0o755);
  if (config !== undefined) {
    mkdirSync(join(home, ".config", "jlremote"), { recursive: true });
    writeFileSync(join(home, ".config", "jlremote", "config.json"), JSON.stringify(config));
  }
  const sshd = await startSshd(dir, {
    HOME: home,
    PATH: "/usr/bin:/bin",
    XDG_STATE_HOME: remoteState,
    XDG_CONFIG_HOME: join(home, ".config"),
    JUPYTER_RUNTIME_DIR: join(home, "jr"),
    JUPYTER_CONFIG_DIR: join(home, "jc"),
    JUPYTER_DATA_DIR: join(home, "jd"),
    IPYTHONDIR: join(home, "ipython"),
    LANG: "C.UTF-8",
    ...extraEnv,
  });
  return { sshd, home, remoteState };
}

/** The remote instance's state.json as the tests read it (`T`: the fields they use), or null while there is none. */
export function remoteRecord<T>(remoteState: string, name: string): T | null {
  try {
    return JSON.parse(readFileSync(join(remoteState, "jlremote", name, "state.json"), "utf8")) as T;
  } catch {
    return null;
  }
}

/** A jllocal test's world: the laptop's sandbox, the remote account behind a loopback sshd, and jllocal's state root. */
export interface JllocalWorld extends RemoteHost {
  sb: Sandbox;
  /** The laptop's environment for jllocal. */
  env: Record<string, string>;
  localRoot: string;
  /** End it all: jllocal's masters, every process the remote instances recorded, sshd, the sandbox. */
  end: () => Promise<void>;
}

/** Start a JllocalWorld (`config` and `extraEnv` as for startRemoteHost). */
export async function startJllocalWorld(
  config?: unknown,
  extraEnv: Record<string, string> = {},
): Promise<JllocalWorld> {
  const sb = sandbox();
  // On a failed start nobody gets an end(): the sandbox goes here (startSshd stops its own sshd when it fails).
  const remote = await startRemoteHost(sb.dir, config, extraEnv).catch(async (err: unknown) => {
    await sb.cleanup();
    throw err;
  });
  const env = { ...sb.env };
  const localRoot = join(env.XDG_STATE_HOME as string, "jlremote", "local");
  const end = async () => {
    await killLocalMasters(localRoot, remote.sshd.sshConfig).catch(() => {});
    killRecorded(join(remote.remoteState, "jlremote"));
    await remote.sshd.stop();
    await sb.cleanup();
  };
  return { ...remote, sb, env, localRoot, end };
}
