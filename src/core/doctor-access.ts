// `jlremote doctor`'s decisions on staying up and being reachable: systemd/linger and the launcher over plain ssh.
import type { Check, CheckStatus } from "./doctor-checks.js";

/** What doctor saw of systemd for this user. */
export interface SystemdObservation {
  /** `systemctl --user` answers. */
  manager: boolean;
  managerError: string | null;
  /** Lingering (user manager runs without a session, from boot), null when unknown. */
  linger: boolean | null;
  user: string;
}

/** systemd user manager and lingering: only `jlremote service` needs them, so their absence is a warning. */
export function checkSystemd(o: SystemdObservation): Check {
  const id = "systemd";
  const detached = "detached `jlremote start` works without it (but is not started again after a reboot)";
  if (!o.manager) {
    return {
      id,
      status: "warning",
      message: `no systemd user manager (${o.managerError ?? "systemctl --user failed"}): \`jlremote service\` is unavailable`,
      hint: detached,
    };
  }
  if (o.linger === true) {
    return {
      id,
      status: "ok",
      message: "systemd user manager runs; lingering is on: a service survives logout and starts at boot",
      hint: null,
    };
  }
  return {
    id,
    status: "warning",
    message: `systemd user manager runs; lingering is ${o.linger === false ? "off" : "unknown"}: a \`jlremote service\` stops when your last session ends`,
    hint: `loginctl enable-linger ${o.user} (some sites need an admin for it); ${detached}`,
  };
}

/** What doctor saw of the launcher and of `jlremote` under a non-interactive ssh command. */
export interface LauncherObservation {
  /** ~/.local/bin/jlremote: the launcher path jllocal falls back to. */
  defaultFile: string;
  /** What is there: absent, ours (with the bundle it runs), or something else. */
  file: { kind: "absent" } | { kind: "ours"; bundle: string } | { kind: "foreign"; what: string };
  /** The bundle running doctor now. */
  runningBundle: string;
  runningVersion: string;
  /** PATH of a non-interactive ssh command and the login shell that produced it. */
  sshPath: string;
  shell: string;
  /** Why the PATH could not be observed (sshd's base PATH assumed), or null. */
  pathNote: string | null;
  /** The first `jlremote` on that PATH, or null. */
  firstOnPath: string | null;
  /** jllocal's default lookup run like `ssh host ...` with --version: exit code (null: did not run), output. */
  lookup: { code: number | null; stdout: string; stderr: string; error: string | null };
  /** How to put the default dir on that PATH for this shell (core/launcher.ts pathAdvice). */
  advice: string;
}

function lastLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ""
  );
}

/** Can `ssh host jlremote ...` (and jllocal's lookup) run jlremote, and is it this one? */
export function checkLauncher(o: LauncherObservation): Check {
  const id = "launcher";
  const pathNote = o.pathNote ? ` (${o.pathNote})` : "";
  if (o.lookup.code === null) {
    return {
      id,
      status: "warning",
      message: `could not run your login shell like sshd does: ${o.lookup.error ?? "no result"}`,
      hint: `check that ${o.shell} -c true works with a bare environment (rc files that wait for input hang ssh commands too)`,
    };
  }
  if (o.lookup.code === 127 && o.firstOnPath === null && o.file.kind === "absent") {
    return {
      id,
      status: "warning",
      message: `no jlremote for ssh: none on the non-interactive PATH (${o.sshPath})${pathNote}, no ${o.defaultFile}`,
      hint: "run `jlremote install` (writes ~/.local/bin/jlremote, which jllocal finds)",
    };
  }
  if (o.lookup.code !== 0) {
    const runs = o.firstOnPath ?? o.defaultFile;
    const fix =
      o.firstOnPath !== null && o.firstOnPath !== o.defaultFile ? `remove or fix ${o.firstOnPath}, then ` : "";
    return {
      id,
      status: "problem",
      message: `\`ssh HOST jlremote\` runs ${runs} and it fails (exit ${o.lookup.code}): ${lastLine(o.lookup.stderr) || "no output"}`,
      hint: `${fix}run \`jlremote install\` (a launcher with absolute paths of node and jlremote)`,
    };
  }
  const version = lastLine(o.lookup.stdout);
  const notes: string[] = [];
  let status: CheckStatus = "ok";
  let hint: string | null = null;
  if (o.file.kind === "ours" && o.file.bundle !== o.runningBundle) {
    status = "warning";
    notes.push(`${o.defaultFile} runs ${o.file.bundle}, not this jlremote (${o.runningBundle})`);
    hint = "run `jlremote install` with the jlremote you want ssh to use";
  } else if (version !== o.runningVersion) {
    status = "warning";
    notes.push(`ssh finds jlremote ${version}, this is ${o.runningVersion}`);
    hint = "run `jlremote install` with the jlremote you want ssh to use";
  }
  if (o.firstOnPath === null) {
    status = "warning";
    notes.push(
      `its dir is not on the non-interactive PATH (${o.sshPath})${pathNote}, so plain \`ssh HOST jlremote\` fails`,
    );
    hint = hint ?? `use \`ssh HOST ~/.local/bin/jlremote ...\`, or ${o.advice}`;
  }
  const head =
    o.firstOnPath !== null
      ? `\`ssh HOST jlremote\` runs ${o.firstOnPath} (jlremote ${version})`
      : `jllocal finds jlremote ${version} at ${o.defaultFile}`;
  return { id, status, message: [head, ...notes].join("; "), hint };
}
