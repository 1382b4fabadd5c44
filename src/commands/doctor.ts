// `jlremote doctor [--json]`: observe this machine (io/doctor-observe), judge it (core/doctor-*), print; exit 1 on a problem.
import { checkSystemd, checkLauncher } from "../core/doctor-access.js";
import { checkFilesystem, checkJupyter, checkNode, checkPort, checkStateDir } from "../core/doctor-checks.js";
import { doctorReport, renderDoctorText } from "../core/doctor-report.js";
import { ExitCode } from "../core/errors.js";
import { observeFilesystem, observeJupyter, observeLauncher, observeStateDir } from "../io/doctor-observe.js";
import { currentBundle } from "../io/launcher-file.js";
import { homeDir, stateRoot } from "../io/paths.js";
import { findFreePort } from "../io/ports.js";
import { probeSystemd } from "../io/systemd-probe.js";
import type { CommandContext } from "./context.js";

/** doctor's flags. */
export interface DoctorFlags {
  json: boolean;
  /** The jupyter to check (like start's --jupyter). */
  jupyter: string;
}

const PREFERRED_PORT = 8888;
const PORT_SPAN = 100;

/** Run every check; exit 0 when none is a problem, 1 otherwise. */
export async function doctorCommand(flags: DoctorFlags, ctx: CommandContext): Promise<ExitCode> {
  const root = stateRoot(ctx.env);
  const home = homeDir(ctx.env);
  const [jupyter, free, systemd, launcher] = await Promise.all([
    observeJupyter(flags.jupyter, ctx.env, ctx.cwd),
    findFreePort(PREFERRED_PORT, PORT_SPAN),
    probeSystemd(ctx.env),
    observeLauncher(ctx.env, home, currentBundle(ctx.self), ctx.version),
  ]);
  const report = doctorReport([
    checkNode(process.versions.node, process.execPath),
    checkJupyter(jupyter),
    checkStateDir(observeStateDir(root)),
    checkFilesystem(observeFilesystem(root)),
    checkPort({ preferred: PREFERRED_PORT, free, span: PORT_SPAN }),
    checkSystemd(systemd),
    checkLauncher(launcher),
  ]);
  if (flags.json) ctx.out(JSON.stringify(report));
  else for (const line of renderDoctorText(report)) ctx.out(line);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
