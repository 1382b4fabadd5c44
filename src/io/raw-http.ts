// A GET over a plain TCP socket that reads only the status line: the probe through a tunnel without node:http
// (loading node:http costs a few ms of every jllocal run; the status code is all a probe needs).
import { connect } from "node:net";

/** HTTP status of `GET path` on 127.0.0.1:`port` with the given headers, or 0 when nothing answered in time. */
export function rawGetStatus(port: number, path: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let head = "";
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(code);
    };
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(timeoutMs, () => finish(0));
    socket.once("error", () => finish(0));
    socket.once("close", () => finish(statusCode(head)));
    socket.once("connect", () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "Connection: close"];
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
    socket.on("data", (d: Buffer) => {
      head += d.toString("latin1");
      if (head.includes("\r\n")) finish(statusCode(head));
    });
  });
}

/** The code of an `HTTP/1.x NNN ...` status line, or 0. */
export function statusCode(head: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})[ \r]/.exec(head);
  return m ? Number(m[1]) : 0;
}
