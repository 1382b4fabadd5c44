// A minimal websocket client (node:http upgrade, masked text frames) for Jupyter's kernel channels: Node 20 has no
// WebSocket without --experimental-websocket, and a Python client would add its start-up to every sample.
import { randomBytes, randomUUID } from "node:crypto";
import { request } from "node:http";

/** Open ws://127.0.0.1:PORT/api/kernels/ID/channels; null when nothing answers (Jupyter down, no such kernel yet). */
export function openChannels(port, token, kernelId, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path: `/api/kernels/${kernelId}/channels?session_id=${randomUUID()}`,
      timeout: timeoutMs,
      agent: false,
      headers: {
        Authorization: `token ${token}`,
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
      },
    });
    req.on("upgrade", (_res, socket) => resolve(wrap(socket)));
    req.on("response", (res) => {
      res.resume();
      resolve(null);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(null));
    req.end();
  });
}

function wrap(socket) {
  let buf = Buffer.alloc(0);
  const waiters = [];
  const messages = [];
  socket.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      if (buf.length < off + len) return;
      const opcode = buf[0] & 0x0f;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      if (opcode === 1) {
        const msg = JSON.parse(payload.toString("utf8"));
        const w = waiters.findIndex((x) => x.match(msg));
        if (w >= 0) waiters.splice(w, 1)[0].resolve(msg);
        else messages.push(msg);
      }
    }
  });
  socket.on("error", () => {});
  return {
    send(obj) {
      const data = Buffer.from(JSON.stringify(obj));
      const mask = randomBytes(4);
      const head =
        data.length < 126
          ? Buffer.from([0x81, 0x80 | data.length])
          : Buffer.from([0x81, 0x80 | 126, data.length >> 8, data.length & 0xff]);
      const body = Buffer.from(data.map((b, i) => b ^ mask[i % 4]));
      socket.write(Buffer.concat([head, mask, body]));
    },
    next(match, timeoutMs = 30_000) {
      const i = messages.findIndex(match);
      if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("no reply")), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(t);
            resolve(m);
          },
        });
      });
    },
    close() {
      socket.destroy();
    },
  };
}

/** Send kernel_info_request on the shell channel and wait for its reply. */
export async function kernelInfo(ws, timeoutMs = 30_000) {
  const id = randomUUID();
  ws.send({
    header: {
      msg_id: id,
      msg_type: "kernel_info_request",
      username: "bench",
      session: randomUUID(),
      version: "5.3",
      date: new Date().toISOString(),
    },
    parent_header: {},
    metadata: {},
    content: {},
    channel: "shell",
    buffers: [],
  });
  return ws.next(
    (m) =>
      m.msg_type === "kernel_info_reply" ||
      (m.header?.msg_type === "kernel_info_reply" && m.parent_header?.msg_id === id),
    timeoutMs,
  );
}
