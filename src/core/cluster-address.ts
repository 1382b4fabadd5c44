// Pure: which of a compute node's IPv4 addresses Jupyter listens on in a batch job (io/node-address.ts looks them up).

/** An interface address as `os.networkInterfaces()` lists it (libuv lists only interfaces that are up). */
export interface InterfaceAddress {
  address: string;
  family: string | number;
  internal: boolean;
}

/** The node's non-loopback IPv4 addresses, in the order listed. */
export function externalIPv4(interfaces: Record<string, InterfaceAddress[] | undefined>): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces))
    for (const a of list ?? []) if ((a.family === "IPv4" || a.family === 4) && !a.internal) out.push(a.address);
  return out;
}

/**
 * The address without a name lookup, or null when the host name must decide: with a single non-loopback IPv4 address
 * it is the only one the login node can reach (a name resolving elsewhere could not even be bound). A lookup runs
 * node's IPv6 pattern (~10 ms of the job's start) and the resolver.
 */
export function soleAddress(external: readonly string[]): string | null {
  return external.length === 1 ? (external[0] as string) : null;
}

/** After the lookup: the host name's address unless it is loopback, else the first listed; null when there is none. */
export function chosenAddress(resolved: string | null, external: readonly string[]): string | null {
  if (resolved !== null && !resolved.startsWith("127.")) return resolved;
  return external[0] ?? null;
}
