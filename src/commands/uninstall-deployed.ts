// `jlremote uninstall --all`: also remove the versions and Node.js runtimes jllocal installed that no instance uses.
import { planCleanup } from "../core/deployed-cleanup.js";
import { ExitCode, JlremoteError } from "../core/errors.js";
import { deployRoot, observeDeployed, removeDeployed } from "../io/deployed-dirs.js";
import type { CommandContext } from "../context.js";

/** Remove the unused installs under ~/.local/share/jlremote; one line per removed or kept one. */
export function uninstallDeployed(ctx: Pick<CommandContext, "env" | "out" | "err">): ExitCode {
  const root = deployRoot(ctx.env);
  const plan = planCleanup(root, observeDeployed(root, ctx.env));
  for (const name of plan.remove) {
    try {
      removeDeployed(root, name);
    } catch (err) {
      throw new JlremoteError(`cannot remove ${root}/${name}: ${(err as Error).message}`, ExitCode.failure, {
        cause: err,
      });
    }
    ctx.out(`removed ${root}/${name}`);
  }
  for (const k of plan.keep) ctx.err(`jlremote: kept ${root}/${k.name}: ${k.why}`);
  if (plan.remove.length === 0 && plan.keep.length === 0) ctx.err(`jlremote: nothing installed by jllocal in ${root}`);
  return ExitCode.ok;
}
