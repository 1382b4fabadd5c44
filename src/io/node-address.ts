// The compute node's cluster-facing IPv4 address: its only non-loopback one, else what its host name resolves to,
// else its first non-loopback one (the choice: core/cluster-address.ts).
import { hostname, networkInterfaces } from "node:os";
import { chosenAddress, externalIPv4, soleAddress } from "../core/cluster-address.js";

/** The address Jupyter listens on in a batch job, so the login node (and only the cluster network) reaches it. */
export async function clusterAddress(): Promise<string> {
  const external = externalIPv4(networkInterfaces());
  const sole = soleAddress(external);
  if (sole !== null) return sole;
  let resolved: string | null = null;
  try {
    // Loaded here: the registry's fast path (status) reaches this module but never resolves a name.
    const { lookup } = await import("node:dns/promises");
    resolved = (await lookup(hostname(), { family: 4 })).address;
  } catch {
    /* not resolvable: use the interfaces */
  }
  const chosen = chosenAddress(resolved, external);
  if (chosen === null) throw new Error(`no cluster-facing IPv4 address found for ${hostname()}`);
  return chosen;
}
