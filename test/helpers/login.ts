// A browser's login as a test does it: the token typed into /login, the login cookie kept, requests with the cookie only.

/** The Cookie header a browser holds after logging in to the Jupyter on 127.0.0.1:port with `token`. */
export async function loginCookie(port: number, token: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = (pair ?? "").indexOf("=");
      if (eq > 0) jar.set((pair as string).slice(0, eq), (pair as string).slice(eq + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const page = await fetch(`http://127.0.0.1:${port}/login`, {
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  keep(page);
  const xsrf = jar.get("_xsrf") ?? "";
  const r = await fetch(`http://127.0.0.1:${port}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: header() },
    body: new URLSearchParams({ _xsrf: xsrf, password: token }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  keep(r);
  if (![...jar.keys()].some((k) => k.startsWith("username-")))
    throw new Error(`no login cookie from 127.0.0.1:${port} (HTTP ${r.status})`);
  return header();
}

/** HTTP status of GET /api/contents with only this Cookie header (0: no answer). */
export async function withCookie(port: number, cookie: string): Promise<number> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/contents`, {
      headers: { Cookie: cookie },
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    return r.status;
  } catch {
    return 0;
  }
}
