// The compute node's cluster-facing IPv4 address: what its host name resolves to, else its first non-loopback one.
import { lookup } from "node:dns/promises";
import { hostname, networkInterfaces } from "node:os";

/** The address Jupyter listens on in a batch job, so the login node (and only the cluster network) reaches it. */
export async function clusterAddress(): Promise<string> {
  try {
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
