// jlremote's JupyterLab 4 / Notebook 7 plugin: polls the instance's view, shows it in the status bar, acts on notices.
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { Notification } from "@jupyterlab/apputils";
import { ServerConnection } from "@jupyterlab/services";
import { IStatusBar } from "@jupyterlab/statusbar";
import { Widget } from "@lumino/widgets";
import { type Notice, decideNotices, freshMemory } from "./notices.js";
import { openPanel } from "./panel.js";
import { type InstanceView, files, statusText } from "./view.js";

/** How often the view is fetched (a small JSON read from the state file; it does not count as activity). */
const pollMs = 5000;

/** Open documents with unsaved changes (one per file, however many views show it). */
function unsavedCount(app: JupyterFrontEnd): number {
  const paths = new Set<string>();
  for (const w of app.shell.widgets("main")) {
    const ctx = (w as { context?: { path?: string; model?: { dirty?: boolean } } }).context;
    if (ctx?.model?.dirty && ctx.path) paths.add(ctx.path);
  }
  return paths.size;
}

/** Save every open document (docmanager:save-all); the count of files that had unsaved changes. */
export async function saveAll(app: JupyterFrontEnd): Promise<number> {
  const n = unsavedCount(app);
  if (app.commands.hasCommand("docmanager:save-all")) await app.commands.execute("docmanager:save-all");
  return n;
}

async function show(app: JupyterFrontEnd, notice: Notice): Promise<void> {
  if (notice.kind === "crash") {
    Notification.warning(notice.message, { autoClose: false });
    return;
  }
  let message = notice.message;
  try {
    message = `${message} (${files(await saveAll(app))})`;
  } catch (err) {
    message = `${message.replace(/: all notebooks saved$/, "")}: saving failed (${(err as Error).message}); save now`;
  }
  Notification.warning(message, { autoClose: false });
}

/** The instance's view from the server, or null while Jupyter is unreachable (restarting, network). */
export async function fetchView(settings: ServerConnection.ISettings): Promise<InstanceView | null> {
  try {
    const r = await ServerConnection.makeRequest(`${settings.baseUrl}jlremote/status`, {}, settings);
    return r.ok ? ((await r.json()) as InstanceView) : null;
  } catch {
    return null;
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: "jlremote-labextension:plugin",
  description:
    "jlremote: the instance's time left, walltime and idle warnings that save every document, crash notices.",
  autoStart: true,
  optional: [IStatusBar],
  activate: (app: JupyterFrontEnd, statusBar: IStatusBar | null) => {
    const settings = ServerConnection.makeSettings();
    const item = new Widget();
    item.addClass("jlremote-StatusItem");
    item.node.title = "jlremote: click for details and actions";
    let view: InstanceView | null = null;
    let fetchedAt = 0;
    let offline = false;
    let memory = freshMemory();
    const render = () => {
      if (view === null) return;
      item.node.textContent = `${statusText(view, Date.now() - fetchedAt)}${offline ? " · reconnecting…" : ""}`;
      const warn = view.job?.warningAt != null || (view.job?.secondsLeft ?? Number.POSITIVE_INFINITY) <= 600;
      item.toggleClass("jlremote-mod-warning", warn);
    };
    item.node.addEventListener("click", () => {
      if (view !== null) void openPanel(app, settings, view, Date.now() - fetchedAt);
    });
    statusBar?.registerStatusItem("jlremote:status", { item, align: "left", rank: 1000 });
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        const v = await fetchView(settings);
        offline = v === null;
        if (v !== null) {
          view = v;
          fetchedAt = Date.now();
          const d = decideNotices(memory, v, 0);
          memory = d.memory;
          for (const n of d.notices) await show(app, n);
        }
        render();
      } finally {
        busy = false;
      }
    };
    // After the layout is restored: the page load does not wait for jlremote's first request.
    void app.restored.then(() => {
      void poll();
      setInterval(() => void poll(), pollMs);
      setInterval(render, 1000);
    });
  },
};

export default plugin;
