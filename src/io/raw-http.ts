// A GET over a plain socket that reads only the status line: every probe of Jupyter (the supervisor's health probe,
// `status`, jllocal through a tunnel) without node:http, which costs a few ms to load and, per request, a dozen objects
// (agent, request, response, parser) that a supervisor probing every 0.1 s promoted into its old space (figure 9).
import { connect } from "node:net";

/** Where Jupyter listens: TCP (127.0.0.1 unless `host`) or a unix socket. */
export type Endpoint = { port: number; host?: string } | { socket: string };

/** HTTP status of `GET path` on the endpoint (a port: 127.0.0.1) with the given headers, or 0 when nothing answered in time. */
export function rawGetStatus(
  to: number | Endpoint,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> {
  const endpoint = typeof to === "number" ? { port: to } : to;
  // The Host header node:http would send.
  const hostHeader = "socket" in endpoint ? "localhost" : `${endpoint.host ?? "127.0.0.1"}:${endpoint.port}`;
  return new Promise((resolve) => {
    let head = "";
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(code);
    };
    const socket =
      "socket" in endpoint
        ? connect({ path: endpoint.socket })
        : connect({ host: endpoint.host ?? "127.0.0.1", port: endpoint.port });
    socket.setTimeout(timeoutMs, () => finish(0));
    socket.once("error", () => finish(0));
    socket.once("close", () => finish(statusCode(head)));
    socket.once("connect", () => {
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: ${hostHeader}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        "Connection: close",
      ];
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
    socket.on("data", (d: Buffer) => {
      head += d.toString("latin1");
      if (head.includes("\r\n") || head.length > 4096) finish(statusCode(head));
    });
  });
}

/** The code of an `HTTP/1.x NNN ...` status line, or 0. */
export function statusCode(head: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})[ \r]/.exec(head);
  return m ? Number(m[1]) : 0;
}
