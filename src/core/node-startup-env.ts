// Node reads NODE_EXTRA_CA_CERTS at every start (~40 ms for a system CA bundle), though the supervisor makes no TLS
// connection: the variable is parked under another name for the supervisor's start, and put back by its entry before
// anything reads the environment, so Jupyter, its kernels and every later child see the user's environment unchanged.

/** Variables whose cost Node pays at start, parked for the supervisor's spawn. */
const costly = ["NODE_EXTRA_CA_CERTS"] as const;
const parkedPrefix = "JLREMOTE_PARKED_";

type Env = Record<string, string | undefined>;

/** The supervisor's spawn environment: `env` with Node's start-time-costly variables parked. */
export function parkForNodeStart(env: Env): Env {
  const out: Env = { ...env };
  for (const name of costly) {
    if (out[name] === undefined) continue;
    out[parkedPrefix + name] = out[name];
    delete out[name];
  }
  return out;
}

/** Put parked variables back in place (the entry file's own environment, before any command reads it). */
export function unparkAfterNodeStart(env: Env): void {
  for (const name of costly) {
    const parked = env[parkedPrefix + name];
    if (parked === undefined) continue;
    delete env[parkedPrefix + name];
    if (env[name] === undefined) env[name] = parked;
  }
}
