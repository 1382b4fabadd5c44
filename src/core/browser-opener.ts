// Chooses how to open a browser on this platform and writes the redirect page that keeps the token out of argv.

/** One way to open `target`: an executable and its argv. */
export interface OpenerCommand {
  cmd: string;
  args: string[];
}

/** Candidates in order: each `$BROWSER` entry (colon-separated, `%s` = target), then the platform's opener. */
export function openerCommands(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  target: string,
): OpenerCommand[] {
  const out: OpenerCommand[] = [];
  for (const entry of (env.BROWSER ?? "").split(":")) {
    const words = entry
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    const [cmd, ...rest] = words;
    if (cmd === undefined) continue;
    const args = rest.some((w) => w.includes("%s")) ? rest.map((w) => w.replaceAll("%s", target)) : [...rest, target];
    out.push({ cmd, args });
  }
  if (platform === "darwin") out.push({ cmd: "open", args: [target] });
  else if (platform === "win32") out.push({ cmd: "explorer.exe", args: [target] });
  else out.push({ cmd: "xdg-open", args: [target] });
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A tiny page that redirects to `url`: the browser is given this file's path, so the token is in no argv. */
export function redirectHtml(url: string): string {
  const u = escapeHtml(url);
  return [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${u}"><title>Opening Jupyter</title></head>`,
    `<body><p>Opening <a href="${u}">Jupyter</a>...</p></body></html>`,
    "",
  ].join("\n");
}
