// jlremote's JupyterLab extension (labextension/): the config keys that load it and what `status` says about it.
import type { JupyterConfig } from "./jupyter-config.js";
import { notLoadedReason } from "./kernel-adoption.js";
import type { BackendKind } from "./scheduler-names.js";
import type { AdoptionRecord, InstanceOptions, JupyterApp } from "./types.js";

/** How the instance runs, as the extension's status bar names it (a scheduler by its name). */
export type UiBackend = BackendKind;

/** The backend from the options and the supervisor's environment (systemd sets INVOCATION_ID for every service). */
export function uiBackend(
  options: Pick<InstanceOptions, "scheduler">,
  env: Record<string, string | undefined>,
): UiBackend {
  if (options.scheduler) return options.scheduler;
  return env.INVOCATION_ID ? "systemd" : "detached";
}

/**
 * Config keys that load the prebuilt extension from `labextensionsDir` (a folder of federated extensions, read by
 * JupyterLab 4 and Notebook 7 through LabServerApp) and point the server side's view at the state file.
 */
export function labUiConfig(o: { labextensionsDir: string; stateFile: string; backend: UiBackend }): JupyterConfig {
  return {
    LabServerApp: { extra_labextensions_path: [o.labextensionsDir] },
    JlremoteStatus: { state: o.stateFile, backend: o.backend },
  };
}

/** What `status` says about the browser UI (status bar item, walltime and crash notices). */
export interface BrowserUi {
  available: boolean;
  /** Why not (null when available, or not known before Jupyter was ready). */
  reason: string | null;
}

/** The browser UI needs the server extension loaded (jupyter_server, not notebook 6) and a JupyterLab 4 / Notebook 7 page. */
export function browserUi(app: JupyterApp, adoption: AdoptionRecord | null | undefined): BrowserUi | null {
  if (app === "server") return { available: false, reason: "`--app server` serves no JupyterLab page" };
  if (!adoption) return null;
  if (adoption.reason === notLoadedReason)
    return {
      available: false,
      reason: "this Jupyter did not load jlremote's server extension (notebook 6 / jupyter_server 1.x without it)",
    };
  return { available: true, reason: null };
}
