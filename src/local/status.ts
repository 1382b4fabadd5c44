// `jllocal status`: the tunnels jllocal holds, each with its local URL and whether it answers now.
import { ExitCode } from "../core/errors.js";
import { rawGetStatus } from "../io/raw-http.js";
import { localListenerProblem } from "./local-listener.js";
import { isSameLocal } from "./process-check.js";
import type { LocalContext } from "./context.js";
import { localPaths } from "./paths.js";
import { listTunnels } from "./tunnel-store.js";

/** Print every recorded tunnel (one JSON array line with --json); exit 0. */
export async function localStatusCommand(flags: { json: boolean }, ctx: LocalContext): Promise<ExitCode> {
  const paths = localPaths(ctx.env, process.getuid?.() ?? 0);
  const rows = [];
  for (const { record: r } of listTunnels(paths.tunnelsDir)) {
    // Through a hop, the forward is on the hop's master (which rides on the first one).
    const holder = r.hop?.master ?? r.master;
    const masterAlive = isSameLocal(r.master) && isSameLocal(holder);
    // No credentials: the remote end of the forward was not verified just now (its port may have moved to a squatter);
    // `<base>api` answers without them. Only a local port our master holds is asked at all.
    const base = (r.baseUrl ?? "/").endsWith("/") ? (r.baseUrl ?? "/") : `${r.baseUrl}/`;
    const healthy =
      masterAlive &&
      localListenerProblem(r.localPort, holder) === null &&
      (await rawGetStatus(r.localPort, `${base}api`, {}, 2000)) === 200;
    const secondsLeft = r.endsAt ? Math.max(0, Math.floor((Date.parse(r.endsAt) - Date.now()) / 1000)) : null;
    rows.push({
      host: r.host,
      name: r.name,
      url: r.url,
      localPort: r.localPort,
      target: r.target,
      masterPid: r.master.pid,
      masterAlive,
      healthy,
      ...(r.jobId ? { jobId: r.jobId, endsAt: r.endsAt ?? null, secondsLeft } : {}),
    });
  }
  if (flags.json) ctx.out(JSON.stringify(rows));
  else if (rows.length === 0) ctx.err("jllocal: no tunnels; `jllocal HOST` opens one");
  else
    for (const r of rows) {
      const left =
        "secondsLeft" in r && r.secondsLeft !== null && r.secondsLeft !== undefined
          ? `  job ${r.jobId}, ${Math.floor(r.secondsLeft / 60)} min left`
          : "";
      ctx.out(
        `${r.host}  ${r.name}  ${r.healthy ? "healthy" : r.masterAlive ? "not answering" : "down (ssh gone)"}  ${r.url}${left}`,
      );
    }
  return ExitCode.ok;
}
