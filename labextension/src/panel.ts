// The panel behind the status bar item: the instance's details, save all, stop the instance / cancel the job.
import type { JupyterFrontEnd } from "@jupyterlab/application";
import { Dialog, Notification, showDialog } from "@jupyterlab/apputils";
import { ServerConnection } from "@jupyterlab/services";
import { Widget } from "@lumino/widgets";
import { type InstanceView, clock, crashText, isBatchJob, runsAs, secondsLeft, timeOfDay, uptime } from "./view.js";

/** The rows shown: label → value (absent values are left out). */
export function panelRows(v: InstanceView, elapsedMs: number): [string, string][] {
  const rows: [string, string | null][] = [
    ["Instance", v.name],
    ["Runs as", runsAs(v)],
    ["State", v.state],
    ["Up", v.upSeconds === null ? null : uptime(v.upSeconds + elapsedMs / 1000)],
  ];
  if (v.job) {
    const left = secondsLeft(v, elapsedMs);
    rows.push(
      ["Job", v.job.id],
      ["Node", v.job.node],
      ["Ends at", v.job.endsAt === null ? "no time limit known" : timeOfDay(v.job.endsAt)],
      ["Time left", left === null ? null : clock(left)],
      ["Walltime warning", v.job.warningAt === null ? "not yet" : `received at ${timeOfDay(v.job.warningAt, true)}`],
    );
  }
  if (v.idle)
    rows.push(
      ["Idle timeout", `${Math.round(v.idle.timeoutSeconds / 60)} min`],
      ["Idle shutdown", v.idle.shutdownInSeconds === null ? "not pending" : `in ${clock(v.idle.shutdownInSeconds)}`],
    );
  rows.push(["Restarts", String(v.restarts)]);
  if (v.restarts > 0) rows.push(["Last restart", crashText(v)]);
  return rows.filter((r): r is [string, string] => r[1] !== null);
}

function table(rows: [string, string][]): Widget {
  const body = new Widget();
  body.addClass("jlremote-Panel");
  const t = document.createElement("table");
  for (const [k, v] of rows) {
    const tr = t.insertRow();
    const th = document.createElement("th");
    th.textContent = k;
    tr.appendChild(th);
    tr.insertCell().textContent = v;
  }
  body.node.appendChild(t);
  return body;
}

/** Show the panel; runs the chosen action (stopping asks for a confirmation first). */
export async function openPanel(
  app: JupyterFrontEnd,
  settings: ServerConnection.ISettings,
  v: InstanceView,
  elapsedMs: number,
): Promise<void> {
  const stopLabel = isBatchJob(v) ? "Cancel the job" : "Stop the instance";
  const r = await showDialog({
    title: "jlremote",
    body: table(panelRows(v, elapsedMs)),
    buttons: [
      Dialog.cancelButton({ label: "Close" }),
      Dialog.warnButton({ label: stopLabel }),
      Dialog.okButton({ label: "Save all" }),
    ],
  });
  if (r.button.label === "Save all") {
    await app.commands.execute("docmanager:save-all");
    return;
  }
  if (r.button.label !== stopLabel) return;
  const sure = await showDialog({
    title: stopLabel,
    body: isBatchJob(v)
      ? `Job ${v.job?.id ?? "?"} ends now: Jupyter and every kernel stop, unsaved changes are lost. Documents are saved first.`
      : "Jupyter and every kernel stop; unsaved changes are lost. Documents are saved first.",
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: stopLabel })],
  });
  if (!sure.button.accept) return;
  if (app.commands.hasCommand("docmanager:save-all")) await app.commands.execute("docmanager:save-all");
  const res = await ServerConnection.makeRequest(`${settings.baseUrl}jlremote/stop`, { method: "POST" }, settings);
  if (res.ok) Notification.info(`${stopLabel}: stopping`, { autoClose: 10000 });
  else Notification.error(`${stopLabel} failed: HTTP ${res.status}`, { autoClose: false });
}
