// Classifies the processes that carry an instance's marker (JLREMOTE_INSTANCE) and decides what happens to each:
// the one place of the kill policy (README "Kernels and background jobs").

/** What a marked process is to its instance. */
export type ProcessKind = "jupyter" | "kernel" | "terminal" | "child" | "detached";

/** What /proc tells about one marked process. */
export interface ProcessFacts {
  pid: number;
  ppid: number;
  /** Session id (/proc/PID/stat field 6). */
  sid: number;
  /** Controlling terminal (field 7; 0 for none). */
  ttyNr: number;
  argv: string[];
  /** JPY_PARENT_PID in its environment (set by Jupyter's kernel manager), or null. */
  jpyParentPid: number | null;
  /** JUPYTER_SERVER_ROOT in its environment: Jupyter's terminal manager sets it for a terminal's shell. */
  terminalEnv: boolean;
  /** SIGHUP ignored (SigIgn), as `nohup` leaves it. */
  sighupIgnored: boolean;
}

/** What the classifier knows about the instance besides the process itself. */
export interface ClassifyContext {
  /** The recorded, identity-checked live Jupyter's PID, or null. */
  jupyterPid: number | null;
  /** Every marked process by PID (to look at a parent or a session leader). */
  byPid: ReadonlyMap<number, ProcessFacts>;
}

/** A kernel's connection file from its argv (`-f …/kernel-ID.json`, `--f=…`, `--connection-file=…`), or null. */
export function kernelConnectionFile(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    const value =
      a === "-f" || a === "--f" || a === "--connection-file"
        ? argv[i + 1]
        : /^--(?:f|connection-file)=/.test(a)
          ? a.slice(a.indexOf("=") + 1)
          : null;
    if (value && /(^|\/)kernel-[^/]*\.json$/.test(value)) return value;
  }
  return null;
}

/** Classify one marked process (see ProcessKind). */
export function classifyProcess(p: ProcessFacts, ctx: ClassifyContext): ProcessKind {
  const own = treeRole(p, ctx);
  if (own !== null) return own;
  // setsid: a session of its own; a process in such a session (its leader is ours and detached) went with it.
  if (p.sid === p.pid) return "detached";
  const leader = ctx.byPid.get(p.sid);
  if (leader !== undefined && leader.sid === leader.pid && treeRole(leader, ctx) === null) return "detached";
  // nohup: SIGHUP ignored, started from a terminal or already re-parented away from the instance's processes.
  if (p.sighupIgnored && (p.terminalEnv || !ctx.byPid.has(p.ppid))) return "detached";
  return "child";
}

function treeRole(p: ProcessFacts, ctx: ClassifyContext): "jupyter" | "kernel" | "terminal" | null {
  if (ctx.jupyterPid !== null && p.pid === ctx.jupyterPid) return "jupyter";
  if (kernelConnectionFile(p.argv) !== null) return "kernel";
  // A kernel whose spec passes no connection file on its command line: its own session, started by the kernel manager.
  if (p.jpyParentPid !== null && p.ppid === p.jpyParentPid && p.sid === p.pid) return "kernel";
  // A terminal's shell: session leader on its pty, with the terminal manager's environment.
  if (p.terminalEnv && p.sid === p.pid && p.ttyNr !== 0 && (p.ppid === ctx.jupyterPid || !ctx.byPid.has(p.ppid)))
    return "terminal";
  return null;
}

/** What happens to a process of a kind after an unclean exit or at stop. */
export type ProcessFate = "kill" | "keep";

/** The policy: kernels, terminals, Jupyter and its other children are killed; deliberately detached jobs are kept. */
export function processFate(kind: ProcessKind): ProcessFate {
  return kind === "detached" ? "keep" : "kill";
}

/** Split classified processes into the ones to kill and the ones left running. */
export function partitionByFate<T extends { kind: ProcessKind }>(entries: readonly T[]): { kill: T[]; keep: T[] } {
  const kill: T[] = [];
  const keep: T[] = [];
  for (const e of entries) (processFate(e.kind) === "kill" ? kill : keep).push(e);
  return { kill, keep };
}

/** Parse the SigIgn mask of /proc/PID/status: is SIGHUP (signal 1) ignored? */
export function sighupIgnoredFromStatus(statusText: string): boolean {
  const m = /^SigIgn:\s*([0-9a-fA-F]+)$/m.exec(statusText);
  return m !== null && (Number.parseInt((m[1] as string).slice(-1), 16) & 1) === 1;
}

/** The value of one variable in a NUL-separated environ block, or null. */
export function environValue(environ: string, name: string): string | null {
  const key = `${name}=`;
  for (const entry of environ.split("\0")) if (entry.startsWith(key)) return entry.slice(key.length);
  return null;
}

/**
 * The policy when the next Jupyter re-adopts kernels (issue 14): kernels with a connection file on their command
 * line, and the processes they started, are kept for it (`adopt`); detached jobs are kept as always; the rest is killed.
 */
export function partitionForAdoption<
  T extends { kind: ProcessKind; ppid: number; identity: { pid: number }; connectionFile: string | null },
>(entries: readonly T[]): { kill: T[]; keep: T[]; adopt: T[] } {
  const byPid = new Map(entries.map((e) => [e.identity.pid, e]));
  const adoptable = (e: T) => e.kind === "kernel" && e.connectionFile !== null;
  const underKernel = (e: T): boolean => {
    const seen = new Set<number>();
    for (let p = byPid.get(e.ppid); p !== undefined && !seen.has(p.identity.pid); p = byPid.get(p.ppid)) {
      if (adoptable(p)) return true;
      seen.add(p.identity.pid);
    }
    return false;
  };
  const out = { kill: [] as T[], keep: [] as T[], adopt: [] as T[] };
  for (const e of entries) {
    if (e.kind === "detached") out.keep.push(e);
    else if (adoptable(e) || (e.kind === "child" && underKernel(e))) out.adopt.push(e);
    else out.kill.push(e);
  }
  return out;
}
