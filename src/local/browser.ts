// Opens the browser on a redirect page (so the token is in no process's argv); a missing opener is only a warning.
import { spawn } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { openerCommands, redirectHtml, type OpenerCommand } from "../core/browser-opener.js";
import type { LocalContext } from "./context.js";

type Outcome = "ok" | "missing" | { code: number };

/** Start one opener; "ok" when it is still running after `graceMs` or exited 0 by then. */
function tryOpener(c: OpenerCommand, env: Record<string, string | undefined>, graceMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(c.cmd, c.args, { env: env as NodeJS.ProcessEnv, detached: true, stdio: "ignore" });
    const timer = setTimeout(() => {
      child.unref();
      resolve("ok");
    }, graceMs);
    child.once("error", () => {
      clearTimeout(timer);
      resolve("missing");
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? "ok" : { code: code ?? 1 });
    });
  });
}

/** Write the redirect page to `pageFile` (0600) and open it with $BROWSER or the platform opener. */
export async function openBrowser(url: string, pageFile: string, ctx: LocalContext, graceMs = 1500): Promise<boolean> {
  writeFileSync(pageFile, redirectHtml(url), { mode: 0o600 });
  chmodSync(pageFile, 0o600);
  const tried: string[] = [];
  for (const c of openerCommands(ctx.platform, ctx.env, pageFile)) {
    const outcome = await tryOpener(c, ctx.env, graceMs);
    if (outcome === "ok") return true;
    tried.push(outcome === "missing" ? `${c.cmd}: not found` : `${c.cmd}: exit ${outcome.code}`);
  }
  ctx.err(`jllocal: warning: could not open a browser (${tried.join(", ")}); open the URL above yourself`);
  return false;
}
