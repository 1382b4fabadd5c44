// `jlremote run` under a child subreaper (what systemd --user is): orphaned kernels are reparented to it and outlive
// their Jupyter, instead of going to init (where Debian's ipykernel 6.17 exits by itself once its parent is gone).
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { CLI, freePort, killTree, sandbox, waitFor, type Sandbox } from "./cli.js";
import { type Flavour, debian, flavourArgs } from "./flavours.js";
import { startKernel, status } from "./jupyter.js";

const subreaper = resolve(import.meta.dirname, "../fixtures/subreaper.py");

/** Start `jlremote run` for flavour `f` under a subreaper, wait until it runs, start a kernel; all cleaned up after. */
export async function runWithKernelUnderSubreaper(t: { after: (fn: () => unknown) => void }, f: Flavour = debian) {
  const sb: Sandbox = sandbox();
  let wrapper: ChildProcess | undefined;
  // The wrapper's whole tree (supervisor, Jupyter, kernels reparented to it), also when the start never succeeds.
  t.after(async () => {
    killTree(wrapper?.pid);
    await sb.cleanup();
  });
  const port = await freePort();
  wrapper = spawn(subreaper, [process.execPath, CLI, "run", ...flavourArgs(f), "--port", String(port)], {
    env: sb.env,
    stdio: "ignore",
  });
  const s = await waitFor(
    "running",
    async () => {
      try {
        const x = await status(sb);
        return x.state === "running" ? x : null;
      } catch {
        return null;
      }
    },
    120_000,
  );
  const kernel = await startKernel(port, s.token, s.jupyterPid);
  return { sb, s, kernel };
}
