// The pinned Node.js build on the laptop: fetched once with `npm pack` into ${XDG_CACHE_HOME:-~/.cache}/jlremote/node/,
// its sha512 checked against the registry's integrity pinned in src/core/node-runtime.ts.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { JlremoteError } from "../../core/errors.js";

/** jllocal's cache directory of runtimes. */
function runtimeCacheDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME?.startsWith("/") ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), ".cache");
  return join(base, "jlremote", "node");
}

/** The SRI string (`sha512-…`) of a file. */
function fileIntegrity(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha512");
    createReadStream(file)
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(`sha512-${h.digest("base64")}`));
  });
}

function npmPack(spec: string, dir: string, env: Record<string, string | undefined>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["pack", spec, "--silent", "--pack-destination", dir], {
      cwd: dir,
      env: { ...env, npm_config_update_notifier: "false" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.once("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "ENOENT" ? new Error("npm not found on PATH") : e),
    );
    child.once("close", (code) =>
      code === 0 ? resolve("") : reject(new Error(err.trim().split("\n").pop() || `exit ${code}`)),
    );
  });
}

/** The cached npm tarball of `pkg@version` (fetched with npm when absent), checked against `integrity`. */
export async function cachedRuntime(
  pkg: string,
  version: string,
  integrity: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  const dir = runtimeCacheDir(env);
  const file = join(dir, `${pkg}-${version}.tgz`);
  if (existsSync(file) && (await fileIntegrity(file)) === integrity) return file;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(join(dir, ".fetch-"));
  try {
    await npmPack(`${pkg}@${version}`, tmp, env).catch((err: Error) => {
      throw new JlremoteError(
        `cannot fetch Node.js ${version} (${pkg}) with npm: ${err.message}; check npm's registry access, or pass --remote-node PATH`,
      );
    });
    const got = join(tmp, `${pkg}-${version}.tgz`);
    const sum = await fileIntegrity(got);
    if (sum !== integrity)
      throw new JlremoteError(
        `${pkg}@${version} from the npm registry has integrity ${sum}, expected ${integrity}; not using it`,
      );
    renameSync(got, file);
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
