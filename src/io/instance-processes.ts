// Finds an instance's processes at any moment: every process of this user whose environment carries the instance's
// marker (JLREMOTE_INSTANCE, inherited by all of Jupyter's descendants), identity-checked and classified.
import { readdirSync, readFileSync } from "node:fs";
import {
  classifyProcess,
  environValue,
  kernelConnectionFile,
  sighupIgnoredFromStatus,
  type ProcessFacts,
  type ProcessKind,
} from "../core/instance-processes.js";
import type { ProcessIdentity } from "../core/types.js";
import { bootId, hostName, isAlive, readProcStat } from "./process-identity.js";
import { environWith } from "./proc-read.js";

/** The environment variable that marks an instance's processes. */
const instanceMarker = "JLREMOTE_INSTANCE";

/** One process of the instance. */
export interface InstanceProcess {
  identity: ProcessIdentity;
  kind: ProcessKind;
  ppid: number;
  sid: number;
  argv: string[];
  /** A kernel's connection file when its command line shows it (`-f …/kernel-ID.json`), else null. */
  connectionFile: string | null;
}

/** Scan options. */
export interface ScanOptions {
  /** The recorded Jupyter; identity-checked, it is classified `jupyter`. */
  jupyter?: ProcessIdentity | null;
  /** PIDs never to report (the caller itself is always left out). */
  exclude?: readonly number[];
}

/** All live processes of this user carrying `JLREMOTE_INSTANCE=<instanceId>`, classified. */
export function findInstanceProcesses(instanceId: string, opts: ScanOptions = {}): InstanceProcess[] {
  if (!/^[0-9a-f]{8,64}$/.test(instanceId)) return [];
  const needle = `${instanceMarker}=${instanceId}`;
  const uid = process.getuid?.();
  const skip = new Set([process.pid, ...(opts.exclude ?? [])]);
  const host = hostName();
  const boot = bootId();
  const facts = new Map<number, ProcessFacts & { startTime: number }>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (skip.has(pid)) continue;
    try {
      const environ = environWith(pid, needle, uid);
      if (environ === null) continue;
      const st = readProcStat(pid);
      if (st === null || st.state === "Z" || st.state === "X") continue;
      const env = environ.toString("utf8");
      const jpy = environValue(env, "JPY_PARENT_PID");
      facts.set(pid, {
        pid,
        ppid: st.ppid,
        sid: st.sid,
        ttyNr: st.ttyNr,
        startTime: st.startTime,
        argv: readFileSync(`/proc/${pid}/cmdline`, "utf8")
          .split("\0")
          .filter((a, i, all) => a !== "" || i < all.length - 1),
        jpyParentPid: jpy !== null && /^\d+$/.test(jpy) ? Number(jpy) : null,
        terminalEnv: environValue(env, "JUPYTER_SERVER_ROOT") !== null,
        sighupIgnored: sighupIgnoredFromStatus(readFileSync(`/proc/${pid}/status`, "utf8")),
      });
    } catch {
      // Gone meanwhile, or not readable: not ours to touch.
    }
  }
  const jupyterPid = opts.jupyter && isAlive(opts.jupyter) ? opts.jupyter.pid : null;
  return [...facts.values()].map((f) => ({
    identity: { pid: f.pid, startTime: f.startTime, host, bootId: boot },
    kind: classifyProcess(f, { jupyterPid, byPid: facts }),
    ppid: f.ppid,
    sid: f.sid,
    argv: f.argv,
    connectionFile: kernelConnectionFile(f.argv),
  }));
}

/** A short description of a process for logs and messages: `PID (argv…)`. */
export function describeProcess(p: InstanceProcess): string {
  const cmd = p.argv.join(" ");
  return `${p.identity.pid} (${cmd.length > 80 ? `${cmd.slice(0, 77)}...` : cmd})`;
}
