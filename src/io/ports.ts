// Free-port checks on 127.0.0.1 (or the address Jupyter will listen on, for a job on a compute node).
import { createServer } from "node:net";

/** Can we bind 127.0.0.1:port right now? */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** The first free port from `start` on (at most `span` tried), or null. */
export async function findFreePort(start: number, span = 100, host = "127.0.0.1"): Promise<number | null> {
  for (let p = start; p < Math.min(start + span, 65536); p++) {
    if (await isPortFree(p, host)) return p;
  }
  return null;
}
