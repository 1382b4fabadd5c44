// Which of jllocal's installs under ~/.local/share/jlremote (VERSION/ and node-VERSION/ dirs) may go: those no
// instance uses (a process here, a live record of another host, a systemd unit) and no kept version runs on.

/** What `jlremote uninstall --all` saw. */
export interface DeployedUse {
  /** Directory names under the deploy root (versions and node-* runtimes; dot-entries are temp dirs). */
  entries: string[];
  /** Absolute paths in use: executables and arguments of this user's processes, paths in systemd units. */
  usedPaths: string[];
  /** Versions recorded by instances live on another host (their processes are not visible here). */
  liveVersions: string[];
  /** Per version dir, the node its launcher (VERSION/bin/jlremote) runs, when readable. */
  nodeOf: Record<string, string | null>;
}

/** The entries to remove and the ones kept, each kept one with why. */
export interface CleanupPlan {
  remove: string[];
  keep: { name: string; why: string }[];
}

/** Decide per entry under `root`: a version in use keeps its runtime too. */
export function planCleanup(root: string, u: DeployedUse): CleanupPlan {
  const under = (name: string) => `${root}/${name}/`;
  const usedBy = (name: string) => u.usedPaths.find((p) => p.startsWith(under(name)) || p === `${root}/${name}`);
  const keep = new Map<string, string>();
  const versions = u.entries.filter((e) => !e.startsWith("node-") && !e.startsWith("."));
  for (const v of versions) {
    const p = usedBy(v);
    if (p !== undefined) keep.set(v, `in use (${p})`);
    else if (u.liveVersions.includes(v)) keep.set(v, "an instance of this version runs on another host");
  }
  for (const r of u.entries.filter((e) => e.startsWith("node-"))) {
    const p = usedBy(r);
    const by = [...keep.keys()].find((v) => u.nodeOf[v]?.startsWith(under(r)));
    if (p !== undefined) keep.set(r, `in use (${p})`);
    else if (by !== undefined) keep.set(r, `jlremote ${by} runs on it`);
  }
  return {
    remove: u.entries.filter((e) => !keep.has(e) && !e.startsWith(".")),
    keep: [...keep].map(([name, why]) => ({ name, why })),
  };
}
