// Parses /proc/net/tcp and tcp6 into LISTEN sockets, and says which of them take connections to 127.0.0.1.

/** One listening TCP socket. */
export interface TcpListener {
  /** Local address as the kernel prints it (hex). */
  address: string;
  port: number;
  uid: number;
  inode: number;
}

/** LISTEN entries (state 0A) of a /proc/net/tcp or tcp6 text (with or without its header line). */
export function parseListeners(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== "0A") continue;
    const [address, portHex] = (f[1] ?? "").split(":");
    const port = Number.parseInt(portHex ?? "", 16);
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (!address || !Number.isInteger(port) || !Number.isInteger(uid) || !Number.isInteger(inode)) continue;
    out.push({ address: address.toUpperCase(), port, uid, inode });
  }
  return out;
}

/** Would a connection to 127.0.0.1 reach this listener? */
export function reaches127(l: TcpListener): boolean {
  return reachingHex("127.0.0.1").has(l.address);
}

/** The kernel's hex forms of IPv4 `host` (little-endian), or null when it is not a dotted quad. */
function hexOf(host: string): string | null {
  const octets = host.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
  return octets
    .map((o) => o.toString(16).padStart(2, "0").toUpperCase())
    .reverse()
    .join("");
}

/**
 * The addresses a connection to IPv4 `host` can reach, most specific first, as the kernel picks a listener: the address
 * itself (also v4-mapped on an IPv6 socket), then the IPv4 wildcard, then `[::]`, which takes IPv4 only when it is
 * dual-stack; an IPv6-only `[::]` beside an IPv4 listener (allowed, whoever owns it) never gets the connection.
 */
function reachingTiers(host: string): Set<string>[] {
  const le = hexOf(host);
  if (le === null) return [];
  return [
    new Set([le, `0000000000000000FFFF0000${le}`]),
    new Set(["00000000", "0000000000000000FFFF000000000000"]),
    new Set(["00000000000000000000000000000000"]),
  ];
}

/** The kernel's hex forms that a connection to IPv4 `host` may reach, in any tier. */
function reachingHex(host: string): Set<string> {
  return new Set(reachingTiers(host).flatMap((t) => [...t]));
}

/** The listeners that get a connection to host:port (127.0.0.1 unless a compute node's address): the most specific tier. */
export function listenersFor(port: number, listeners: readonly TcpListener[], host = "127.0.0.1"): TcpListener[] {
  const onPort = listeners.filter((l) => l.port === port);
  for (const tier of reachingTiers(host)) {
    const hit = onPort.filter((l) => tier.has(l.address));
    if (hit.length > 0) return hit;
  }
  return [];
}

/** Verdict on who listens on 127.0.0.1:port, given the socket inodes our processes hold. */
export type ListenerVerdict = { kind: "ours" } | { kind: "none" } | { kind: "foreign"; uid: number; inode: number };

/** Ours only when something listens and every listener of the tier that takes the connection is one of our sockets. */
export function judgeListeners(
  port: number,
  listeners: readonly TcpListener[],
  ourInodes: ReadonlySet<number>,
  host = "127.0.0.1",
): ListenerVerdict {
  const relevant = listenersFor(port, listeners, host);
  if (relevant.length === 0) return { kind: "none" };
  const stranger = relevant.find((l) => !ourInodes.has(l.inode));
  return stranger ? { kind: "foreign", uid: stranger.uid, inode: stranger.inode } : { kind: "ours" };
}
