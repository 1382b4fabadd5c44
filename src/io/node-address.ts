// The compute node's cluster-facing IPv4 address: what its host name resolves to, else its first non-loopback one.
import { hostname, networkInterfaces } from "node:os";

/** The address Jupyter listens on in a batch job, so the login node (and only the cluster network) reaches it. */
export async function clusterAddress(): Promise<string> {
  try {
    // Loaded here: the registry's fast path (status) reaches this module but never resolves a name.
    const { lookup } = await import("node:dns/promises");
    const { address } = await lookup(hostname(), { family: 4 });
    if (!address.startsWith("127.")) return address;
  } catch {
    /* not resolvable: use the interfaces */
  }
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  throw new Error(`no cluster-facing IPv4 address found for ${hostname()}`);
}
