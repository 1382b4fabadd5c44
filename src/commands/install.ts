// `jlremote install` / `jlremote uninstall`: the PATH-proof launcher script for non-interactive ssh commands.
import { join, resolve } from "node:path";
import { ExitCode, JlremoteError, usageError } from "../core/errors.js";
import { describeReach, isTemporaryLocation, renderLauncher } from "../core/launcher.js";
import {
  currentTarget,
  findOnPath,
  inspectLauncherFile,
  removeLauncherFile,
  temporaryDirs,
  writeLauncherFile,
} from "../io/launcher-file.js";
import { homeDir } from "../io/paths.js";
import { nonInteractivePath } from "../io/ssh-shell.js";
import { SUPERVISOR_NODE_FLAGS } from "../io/supervisor-argv.js";
import type { CommandContext } from "../context.js";

/** install/uninstall flags. */
export interface InstallFlags {
  binDir: string | undefined;
  force: boolean;
}

function launcherFile(flags: InstallFlags, ctx: CommandContext): { dir: string; file: string } {
  if (flags.binDir === "") throw usageError("--bin-dir is empty; pass a directory (default ~/.local/bin)");
  const dir = flags.binDir === undefined ? join(homeDir(ctx.env), ".local", "bin") : resolve(ctx.cwd, flags.binDir);
  return { dir, file: join(dir, "jlremote") };
}

/** Write the launcher (refusing to replace a file that is not one, unless --force) and say how ssh reaches it. */
export async function installCommand(flags: InstallFlags, ctx: CommandContext): Promise<ExitCode> {
  const { dir, file } = launcherFile(flags, ctx);
  const existing = inspectLauncherFile(file);
  const target = currentTarget(ctx.self);
  // npm's bin link to this very bundle (npm prefix ~/.local) needs `node` on PATH; the launcher takes its place.
  const ownLink = existing.kind === "foreign" && existing.resolved === target.bundle;
  if (existing.kind === "foreign" && !ownLink && (!flags.force || existing.what === "a directory")) {
    throw new JlremoteError(
      `${file} exists and is ${existing.what}; not replacing it: ${existing.what === "a directory" ? "remove it" : "pass --force to replace it"}, or choose another --bin-dir`,
      ExitCode.failure,
    );
  }
  if (ownLink) ctx.err(`note: replacing ${file}, npm's link to this jlremote (it needs node on PATH), with a launcher`);
  if (isTemporaryLocation(target.bundle, temporaryDirs(ctx.env))) {
    ctx.err(
      `warning: jlremote runs from a temporary location (${target.bundle}); the launcher breaks when it is cleaned up: install the package (npm install -g jlremote-*.tgz) and run its \`jlremote install\``,
    );
  }
  try {
    writeLauncherFile(file, renderLauncher(target, ctx.version, SUPERVISOR_NODE_FLAGS));
  } catch (err) {
    throw new JlremoteError(
      `cannot write ${file}: ${(err as Error).message}; choose a writable --bin-dir`,
      ExitCode.failure,
      { cause: err },
    );
  }
  ctx.out(`${existing.kind === "ours" ? "updated" : "wrote"} ${file} (runs ${target.node} ${target.bundle})`);
  const ssh = await nonInteractivePath(ctx.env);
  if (ssh.note) ctx.err(`note: ${ssh.note}`);
  ctx.out(
    describeReach({
      file,
      dir,
      home: homeDir(ctx.env),
      sshPath: ssh.path,
      shell: ssh.shell,
      firstOnPath: findOnPath("jlremote", ssh.path),
    }),
  );
  return ExitCode.ok;
}

/** Remove the launcher, only if it is one `jlremote install` wrote. */
export function uninstallCommand(flags: InstallFlags, ctx: CommandContext): ExitCode {
  const { file } = launcherFile(flags, ctx);
  const existing = inspectLauncherFile(file);
  if (existing.kind === "absent") {
    ctx.err(`jlremote: nothing to remove: no ${file}`);
    return ExitCode.ok;
  }
  if (existing.kind === "foreign") {
    throw new JlremoteError(
      `${file} is ${existing.what}, not a jlremote launcher; leaving it alone (remove it yourself if you mean to)`,
      ExitCode.failure,
    );
  }
  removeLauncherFile(file);
  ctx.out(`removed ${file}`);
  return ExitCode.ok;
}
