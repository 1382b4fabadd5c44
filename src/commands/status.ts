// `jlremote status` and `jlremote url`: read the state, check PIDs, print; never starts anything.
import { statusExitCode, type StatusReport } from "../core/status-report.js";
import type { ExitCode } from "../core/errors.js";
import type { StateRecord } from "../core/types.js";
import type { CommandContext, NameOption } from "../context.js";
import { inspectSettled } from "../backends/registry.js";
import { renderStatusText } from "./render.js";

/** Print the instance status (one JSON line with --json); exit 0 only when Jupyter runs and answers. */
export async function statusCommand(flags: NameOption & { json: boolean }, ctx: CommandContext): Promise<ExitCode> {
  const view = await inspectSettled(ctx, flags.name);
  if (view.corrupt !== null) ctx.err(`jlremote: ${view.report.reason}`);
  const answering = await checkUnsupervised(view.report, view.record, ctx.env);
  if (flags.json) ctx.out(JSON.stringify(view.report));
  else for (const line of renderStatusText(view.report)) ctx.out(line);
  return answering ? statusExitCode(view.report) : 3;
}

/** Print the URL alone (nothing, exit 3, when not running). */
export async function urlCommand(flags: NameOption, ctx: CommandContext): Promise<ExitCode> {
  const view = await inspectSettled(ctx, flags.name);
  const code = (await checkUnsupervised(view.report, view.record, ctx.env)) ? statusExitCode(view.report) : 3;
  if (code === 0 && view.report.url) ctx.out(view.report.url);
  else
    ctx.err(
      `jlremote: instance '${flags.name}' is ${view.report.state}${view.report.elsewhere ? ` on ${view.report.host}` : ""}; \`jlremote start --name ${flags.name}\` starts it`,
    );
  return code;
}

/** With no supervisor to vouch for it, an unsupervised Jupyter counts as running only if its own listener answers now. */
async function checkUnsupervised(
  report: StatusReport,
  record: StateRecord | null,
  env: Record<string, string | undefined>,
): Promise<boolean> {
  if (report.state !== "unsupervised" || report.token === null || !record?.jupyter) return true;
  // The token goes only to a listener verified to be that Jupyter's (never to whoever holds the port now).
  const { listenerGate } = await import("../supervisor/listener-gate.js");
  const gate = listenerGate(record.jupyter, { port: record.port, socket: record.socket ?? null }, env)();
  if (!gate.ok) {
    report.listenerVerifiedAt = null;
    report.reason = `the supervisor is gone and Jupyter's listener cannot be verified (${gate.why}); \`jlremote stop\` then \`jlremote start\``;
    return false;
  }
  report.listenerVerifiedAt = new Date().toISOString();
  const { probeStatus } = await import("../io/http-probe.js");
  if ((await probeStatus(gate.endpoint, report.token, 5000, report.baseUrl)) === 200) {
    report.reason = "the supervisor is gone; Jupyter still runs. `jlremote start` takes it over without restarting it";
    return true;
  }
  report.reason = "the supervisor is gone and Jupyter does not answer; `jlremote stop` then `jlremote start`";
  return false;
}
