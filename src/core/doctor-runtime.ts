// `jlremote doctor`'s line on the C library and on whether node is a runtime jllocal installed.
import type { Check } from "./doctor-checks.js";
import { DEPLOY_ROOT } from "./remote-lookup.js";

/** What doctor reports about the runtime: glibc (null: none, e.g. musl) and the node executable in use. */
export function checkRuntime(glibc: string | null, execPath: string, home: string): Check {
  const root = `${home}/${DEPLOY_ROOT}/node-`;
  const deployed = execPath.startsWith(root);
  const libc = glibc === null ? "no glibc (musl or another C library)" : `glibc ${glibc}`;
  return {
    id: "runtime",
    status: "ok",
    message: deployed
      ? `${libc}; node is the Node.js runtime jllocal installed (${execPath})`
      : `${libc}; node is not one jllocal installed (${execPath})`,
    hint: null,
  };
}
