// Jupyter by hand (the baseline): same app and flags as jlremote uses, token in JUPYTER_TOKEN, ready = /api/status 200.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { cmdline, descendants, now, sleep, waitSettled } from "./proc.mjs";

/** The argv jlremote builds for `--app server` on a TCP port (src/core/jupyter-command.ts). */
export function serverArgs(port) {
  const args = ["server", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0"];
  if (process.getuid?.() === 0) args.push("--allow-root");
  return args;
}

/**
 * Spawn `jupyter server` by hand; returns { pid, t0, token, port }. Output goes nowhere (jlremote logs to a file).
 * `fastExit`: with jlremote's extension loaded the way jlremote loads it (a config file putting dist/python on the
 * server's sys.path), so that it ends after a stop as it does under jlremote (python/jlremote_adopt/fast_exit.py).
 */
export async function spawnByHand(sb, { fastExit = false } = {}) {
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const extra = fastExit ? [`--config=${extensionConfig(sb)}`] : [];
  const t0 = now();
  const child = spawn("jupyter", [...serverArgs(port), ...extra], {
    cwd: sb.rootDir,
    env: { ...sb.env, JUPYTER_TOKEN: token },
    stdio: "ignore",
  });
  sb.remember(child.pid);
  const exited = new Promise((r) => child.once("exit", r));
  return { pid: child.pid, t0, token, port, exited };
}

/** A Jupyter config file that loads jlremote's extension from dist/python (written once per sandbox). */
function extensionConfig(sb) {
  const file = join(sb.dir, "by-hand-extension.py");
  if (!existsSync(file)) {
    const dir = resolve(import.meta.dirname, "../../dist/python");
    writeFileSync(
      file,
      `import sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nc.ServerApp.jpserver_extensions = {"jlremote_adopt": True}\n`,
    );
  }
  return file;
}

/** HTTP status of GET path with the token (0 when nothing answers within timeoutMs). */
export function httpGet(port, path, token, timeoutMs = 2000, method = "GET", body) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        headers: { Authorization: `token ${token}` },
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", () => resolve({ status: 0, text: "" }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, text: "" }));
    req.end(body);
  });
}

/** Poll /api/status every `stepMs` until 200; resolves with the time of the 200 (hrtime ms). */
export async function pollReady(port, token, { timeoutMs = 60_000, stepMs = 20, before = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (before() && (await httpGet(port, "/api/status", token, 1000)).status === 200) return now();
    if (Date.now() > deadline)
      throw new Error(`Jupyter on port ${port} did not answer /api/status within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

/**
 * Start a python3 kernel through the REST API and wait until it is idle: its process exists and used no CPU over the
 * last 200 ms (the REST state stays "starting" until a client connects). Returns the kernel's PID.
 */
export async function startIdleKernel(port, token, jupyterPid) {
  const r = await httpGet(port, "/api/kernels", token, 20_000, "POST", JSON.stringify({ name: "python3" }));
  if (r.status !== 201) throw new Error(`POST /api/kernels: HTTP ${r.status}`);
  return waitSettled(() => descendants(jupyterPid).find((p) => cmdline(p).includes("ipykernel")), "the kernel");
}

/** A port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
