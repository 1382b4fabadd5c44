// The Jupyter installs the e2e matrix runs against: Debian's (jupyter_server 1.23, notebook 6.4) and JupyterLab 4.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** One Jupyter install under test. */
export interface Flavour {
  /** Short id for test titles: "debian" or "jupyterlab4". */
  id: string;
  /** The `--jupyter` executable to pass. */
  jupyter: string;
  /** The app jlremote should run for it. */
  app: "server" | "notebook" | "lab";
  /** jupyter_server major version (1 or 2). */
  serverMajor: 1 | 2;
  /** A reason to skip (shown by node:test), or false to run. */
  skip: string | false;
}

/** Where `scripts/ensure-jupyterlab.sh` caches the JupyterLab 4 venv (JLREMOTE_JUPYTERLAB_VENV overrides). */
export const labVenv =
  process.env.JLREMOTE_JUPYTERLAB_VENV ?? resolve(import.meta.dirname, "../../.cache/jupyterlab-venv");

/** True when the venv was built to the end (its .complete marker is written last). */
export function labVenvReady(): boolean {
  return existsSync(resolve(labVenv, ".complete"));
}

// As root (CI) a missing venv is never skipped: the case runs and fails loudly, since `make test` must build it.
function labSkip(): string | false {
  if (labVenvReady()) return false;
  if (process.getuid?.() === 0) return false;
  return `no JupyterLab venv at ${labVenv} (not root: run 'make test' as root to build it)`;
}

/** Debian's Jupyter: jupyter_server 1.23 (`--app server`). */
export const debian: Flavour = {
  id: "debian",
  jupyter: "/usr/bin/jupyter",
  app: "server",
  serverMajor: 1,
  skip: false,
};

/** JupyterLab 4.6 / jupyter_server 2.x from the venv (`--app lab`). */
export const jupyterlab4: Flavour = {
  id: "jupyterlab4",
  jupyter: resolve(labVenv, "bin/jupyter"),
  app: "lab",
  serverMajor: 2,
  skip: labSkip(),
};

/** The matrix: every e2e case that must hold for both installs iterates over this. */
export const flavours: readonly Flavour[] = [debian, jupyterlab4];

/** `--jupyter X --app Y` for a flavour. */
export function flavourArgs(f: Flavour): string[] {
  return ["--jupyter", f.jupyter, "--app", f.app];
}
