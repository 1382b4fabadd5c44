// The browser side of an instance: Jupyter's config keys for jlremote's JupyterLab extension and its status view.
import type { JupyterConfig } from "../core/jupyter-config.js";
import { labUiConfig, uiBackend } from "../core/lab-ui.js";
import type { InstanceOptions } from "../core/types.js";
import { bundledLabextensionsDir } from "../io/lab-extension-files.js";

/**
 * Keys for the next Jupyter when jlremote's server extension is loaded (`serverExtension`) and the UI was built;
 * JLREMOTE_LAB_UI=0 in the supervisor's environment turns the browser UI off (the benchmark's baseline, figure 12).
 */
export function labUiExtra(
  serverExtension: boolean,
  stateFile: string,
  options: InstanceOptions,
  env: Record<string, string | undefined>,
): JupyterConfig {
  const dir = serverExtension && env.JLREMOTE_LAB_UI !== "0" ? bundledLabextensionsDir() : null;
  return dir === null ? {} : labUiConfig({ labextensionsDir: dir, stateFile, backend: uiBackend(options, env) });
}
