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

// 127.0.0.1 and 0.0.0.0 (IPv4, little-endian hex); ::, ::ffff:127.0.0.1 and ::ffff:0.0.0.0 (IPv6 words in host order).
const reaching127 = new Set([
  "0100007F",
  "00000000",
  "00000000000000000000000000000000",
  "0000000000000000FFFF00000100007F",
  "0000000000000000FFFF000000000000",
]);

/** Would a connection to 127.0.0.1 reach this listener? */
export function reaches127(l: TcpListener): boolean {
  return reaching127.has(l.address);
}

/** The kernel's hex forms that a connection to IPv4 `host` reaches: the address itself, its v4-mapped form, the wildcards. */
function reachingHex(host: string): Set<string> {
  if (host === "127.0.0.1") return reaching127;
  const octets = host.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return new Set();
  const le = octets
    .map((o) => o.toString(16).padStart(2, "0").toUpperCase())
    .reverse()
    .join("");
  return new Set([
    le,
    "00000000",
    "00000000000000000000000000000000",
    `0000000000000000FFFF0000${le}`,
    "0000000000000000FFFF000000000000",
  ]);
}

/** The listeners a connection to host:port (127.0.0.1 unless a compute node's address) could reach. */
export function listenersFor(port: number, listeners: readonly TcpListener[], host = "127.0.0.1"): TcpListener[] {
  const reach = reachingHex(host);
  return listeners.filter((l) => l.port === port && reach.has(l.address));
}

/** Verdict on who listens on 127.0.0.1:port, given the socket inodes our processes hold. */
export type ListenerVerdict = { kind: "ours" } | { kind: "none" } | { kind: "foreign"; uid: number; inode: number };

/** Ours only when something listens and every listener that could take the connection is one of our sockets. */
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
