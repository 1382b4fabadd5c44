// Builds the config Jupyter gets through `--config=FILE`: the settings jlremote owns, which beat the user's config files.
import type { JupyterApp } from "./types.js";

/** What the install is, as far as the config keys go (null: not found, so every candidate key is written). */
export interface JupyterFlavour {
  /** Major version of the jupyter_server package, or null. */
  serverMajor: number | null;
  /** Major version of the notebook package, or null. */
  notebookMajor: number | null;
}

/** Everything jlremote decides for one Jupyter run. */
export interface JupyterConfigInput {
  app: JupyterApp;
  flavour: JupyterFlavour;
  token: string;
  rootDir: string;
  /** TCP port on 127.0.0.1, or null in socket mode. */
  port: number | null;
  /** Unix socket path, or null in TCP mode. */
  socket: string | null;
  asRoot: boolean;
  /** The 0600 file whose content signs login cookies (rotated with the token), or null to leave Jupyter's default. */
  cookieSecretFile?: string | null;
  /** Listen address in TCP mode: 127.0.0.1 unless a batch job's node must be reachable from the login node. */
  host?: string;
}

/** A traitlets config object: section (class name) → option → value. */
export type JupyterConfig = Record<string, Record<string, unknown>>;

/** Which application class reads the server settings: notebook < 7 is its own server (NotebookApp), the rest run ServerApp. */
export function serverClass(app: JupyterApp, flavour: JupyterFlavour): "NotebookApp" | "ServerApp" {
  if (app !== "notebook") return "ServerApp";
  return flavour.notebookMajor !== null && flavour.notebookMajor >= 7 ? "ServerApp" : "NotebookApp";
}

/** Where the token goes: IdentityProvider.token on jupyter_server >= 2, ServerApp.token on 1.x, NotebookApp.token on notebook < 7. */
export function tokenKeys(app: JupyterApp, flavour: JupyterFlavour): string[] {
  if (serverClass(app, flavour) === "NotebookApp") return ["NotebookApp"];
  if (flavour.serverMajor === null) return ["ServerApp", "IdentityProvider"];
  return flavour.serverMajor >= 2 ? ["IdentityProvider"] : ["ServerApp"];
}

/** The config for one run; `extra` (other features' keys, e.g. ServerApp.jpserver_extensions) is deep-merged in. */
export function jupyterConfig(input: JupyterConfigInput, extra: JupyterConfig = {}): JupyterConfig {
  const cls = serverClass(input.app, input.flavour);
  const server: Record<string, unknown> = {
    open_browser: false,
    [cls === "NotebookApp" ? "notebook_dir" : "root_dir"]: input.rootDir,
  };
  if (input.socket !== null) {
    server.sock = input.socket;
    server.sock_mode = "0600";
  } else if (input.port !== null) {
    // port_retries 0: a busy port is an error, never a silent move to a port we don't know.
    Object.assign(server, { ip: input.host ?? "127.0.0.1", port: input.port, port_retries: 0 });
  }
  if (input.asRoot) server.allow_root = true;
  if (input.cookieSecretFile) server.cookie_secret_file = input.cookieSecretFile;
  // jupyter_server >= 2 can skip the browser-open page (the URL with the token); older ones are stopped in the file text.
  if (cls === "ServerApp" && (input.flavour.serverMajor ?? 2) >= 2) server.no_browser_open_file = true;
  const config: JupyterConfig = { [cls]: server };
  for (const key of tokenKeys(input.app, input.flavour)) {
    config[key] = { ...(config[key] ?? {}), token: input.token };
  }
  return deepMerge(config, extra);
}

/**
 * The config files the app would load without `--config` (which replaces them): the server's, then the front end's.
 * jlremote's file loads them first, so a user's base_url, extensions or other settings still apply under its own.
 */
export function userConfigNames(app: JupyterApp, flavour: JupyterFlavour): string[] {
  if (serverClass(app, flavour) === "NotebookApp") return ["jupyter_notebook_config"];
  if (app === "lab") return ["jupyter_server_config", "jupyter_lab_config"];
  if (app === "notebook") return ["jupyter_server_config", "jupyter_notebook_config"];
  return ["jupyter_server_config"];
}

/** Merge `b` into a copy of `a`: nested plain objects merge, anything else in `b` replaces. */
export function deepMerge(a: JupyterConfig, b: JupyterConfig): JupyterConfig {
  return mergeObjects(a, b) as JupyterConfig;
}

function mergeObjects(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeObjects(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The config file text: a Python config that first loads the user's config files `userNames` (from the config dir and
 * `jupyter --paths`, as Jupyter would), then the JSON object on top, wraps every `token` in a str whose repr is masked
 * (traitlets logs the whole config, "Config changed: …", under `--debug`) and masks the token in request log lines
 * (jupyter_server 1.x and notebook 6 log `GET /lab?token=…` under `--debug`). `pythonPath` goes first on sys.path.
 */
export function configFileText(
  config: JupyterConfig,
  userNames: readonly string[],
  pythonPath: readonly string[] = [],
): string {
  // A JSON string literal is also a valid Python string literal (same escapes), so the JSON needs no other quoting.
  const literal = JSON.stringify(JSON.stringify(config));
  // Directories for the server's imports (jlremote's extension): on sys.path, never in an environment kernels inherit.
  const path =
    pythonPath.length === 0
      ? []
      : [
          `import json as _json, sys as _sys`,
          `_sys.path[0:0] = _json.loads(${JSON.stringify(JSON.stringify(pythonPath))})`,
        ];
  return [
    "# Written by jlremote before each start (mode 0600): the settings it owns. Do not edit; it is rewritten.",
    ...path,
    "import json as _json, logging as _logging",
    "from traitlets.config.application import Application as _Application",
    "from jupyter_core.paths import jupyter_config_dir as _config_dir, jupyter_config_path as _config_path",
    "_paths = _config_path()",
    "if _config_dir() not in _paths:",
    "    _paths.insert(0, _config_dir())",
    `for _name in _json.loads(${JSON.stringify(JSON.stringify(userNames))}):`,
    "    for _cfg, _file in _Application._load_config_files(_name, path=_paths, log=_logging.getLogger('jlremote.config')):",
    "        c.merge(_cfg)",
    "class _Secret(str):",
    "    def __repr__(self):",
    "        return \"'<hidden by jlremote>'\"",
    "class _MaskSecrets(_logging.Filter):",
    "    def __init__(self, secrets):",
    "        super().__init__()",
    "        self.secrets = [s for s in secrets if s]",
    "    def filter(self, record):",
    "        try:",
    "            msg = record.getMessage()",
    "        except Exception:",
    "            return True",
    "        if any(s in msg for s in self.secrets):",
    "            for s in self.secrets:",
    "                msg = msg.replace(s, '...')",
    "            record.msg, record.args = msg, ()",
    "        return True",
    `_settings = _json.loads(${literal})`,
    "_secrets = []",
    "for _section, _values in _settings.items():",
    "    for _key, _value in _values.items():",
    "        if _key == 'token':",
    "            _secrets.append(str(_value))",
    "        getattr(c, _section)[_key] = _Secret(_value) if _key == 'token' else _value",
    // The browser-open page (jpserver-PID-open.html) holds the URL with the token, written with the umask: never.
    "import sys as _sys",
    "for _module, _cls in (('jupyter_server.serverapp', 'ServerApp'), ('notebook.notebookapp', 'NotebookApp')):",
    "    _app = getattr(_sys.modules.get(_module), _cls, None)",
    "    for _method in ('write_browser_open_file', 'write_browser_open_files'):",
    "        if _app is not None and hasattr(_app, _method):",
    "            setattr(_app, _method, lambda self, *a, **k: None)",
    "for _name in ('tornado.access', 'tornado.application', 'tornado.general', 'ServerApp', 'NotebookApp', 'LabApp'):",
    "    _logging.getLogger(_name).addFilter(_MaskSecrets(_secrets))",
    "",
  ].join("\n");
}

/** `--idle-timeout`: Jupyter culls idle kernels (checked every min(300, timeout/2) s), then shuts itself down (checked each minute). */
export function idleConfig(app: JupyterApp, flavour: JupyterFlavour, seconds: number): JupyterConfig {
  const s = Math.max(1, Math.round(seconds));
  return {
    MappingKernelManager: { cull_idle_timeout: s, cull_interval: Math.max(1, Math.min(300, Math.round(s / 2))) },
    [serverClass(app, flavour)]: { shutdown_no_activity_timeout: s },
  };
}
