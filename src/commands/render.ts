// Human-readable renderings of status reports (for status without --json, and list).
import type { StatusReport } from "../core/status-report.js";

/** Lines for `jlremote status`. */
export function renderStatusText(r: StatusReport): string[] {
  const lines = [`${r.name}: ${r.state}${r.elsewhere ? ` (on host ${r.host}, not this one)` : ""}`];
  if (r.url) lines.push(`  url:        ${r.url}`);
  if (r.app) lines.push(`  app:        ${r.app}`);
  const live = r.state !== "stopped" && r.state !== "failed";
  if (live && r.supervisorPid !== null && r.state !== "unsupervised")
    lines.push(`  supervisor: pid ${r.supervisorPid}`);
  if (live && r.jupyterPid !== null)
    lines.push(`  jupyter:    pid ${r.jupyterPid}, ${r.socket ? `socket ${r.socket}` : `port ${r.port ?? "-"}`}`);
  if (r.restarts > 0) lines.push(`  restarts:   ${r.restarts}`);
  if (r.lastExit)
    lines.push(
      `  last exit:  ${r.lastExit.signal ?? `code ${r.lastExit.code}`} at ${r.lastExit.at}${r.lastExit.reason ? ` (${r.lastExit.reason})` : ""}`,
    );
  if (r.reason) lines.push(`  reason:     ${r.reason}`);
  if (r.jobId)
    lines.push(
      `  job:        ${r.jobId} ${r.jobState ?? "?"}${r.jobReason ? ` (${r.jobReason})` : ""}${r.node ? ` on ${r.node}` : ""}`,
    );
  if (r.secondsLeft !== undefined && r.secondsLeft !== null)
    lines.push(
      `  time left:  ${formatLeft(r.secondsLeft)} (until ${r.endsAt})${r.walltimeWarningAt ? `; walltime warning at ${r.walltimeWarningAt}` : ""}`,
    );
  if (r.endReason) lines.push(`  ended:      ${r.endReason}`);
  const k = r.kernelAdoption;
  if (k && !k.supported) lines.push(`  kernels:    end with Jupyter (${k.reason ?? "not supported"})`);
  if (k && k.at !== null)
    lines.push(
      `  kernels:    ${k.adopted.length} re-adopted at the last restart (${k.at})${k.failed.length > 0 ? `; lost: ${k.failed.map((f) => `${f.id} (${f.reason})`).join(", ")}` : ""}`,
    );
  if (r.browserUi)
    lines.push(
      `  browser ui: ${r.browserUi.available ? "jlremote's JupyterLab extension" : `none (${r.browserUi.reason})`}`,
    );
  if (r.logFile) lines.push(`  logs:       ${r.logFile}, ${r.jupyterLogFile}`);
  return lines;
}

/** One table row for `jlremote list`. */
export function renderListRow(r: StatusReport): string {
  const job = r.jobId
    ? ` job ${r.jobId} ${r.jobState ?? "?"}${r.node ? ` on ${r.node}` : ""}${r.secondsLeft != null ? `, ${formatLeft(r.secondsLeft)} left` : ""}${r.endReason ? ` (${r.endReason})` : ""}`
    : "";
  return `${[r.name.padEnd(16), r.state.padEnd(12), String(r.port ?? "-").padEnd(6), r.url ?? ""].join(" ").trimEnd()}${job}`;
}

/** 3725 → "1h02m", 59 → "59s". */
function formatLeft(sec: number): string {
  if (sec < 60) return `${sec}s`;
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m`;
}
