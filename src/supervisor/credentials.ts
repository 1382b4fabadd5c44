// The instance's credentials (token in the state file, cookie secret in its own 0600 file): kept, or replaced together.
import { randomHex } from "../io/random.js";
import type pino from "pino";
import { cookieSecretPath, ensureCookieSecret, rotateCookieSecret } from "../io/jupyter-secrets.js";
import type { StateWriter } from "./state-writer.js";

/** Owns the cookie secret file of one instance and replaces it whenever the token is replaced. */
export class CredentialKeeper {
  /** The file Jupyter reads the cookie secret from (cookie_secret_file). */
  readonly cookieSecretFile: string;

  constructor(
    instanceDir: string,
    private readonly keeper: StateWriter,
    private readonly log: pino.Logger,
  ) {
    this.cookieSecretFile = cookieSecretPath(instanceDir);
  }

  /** At supervisor start: a kept token (adopted or resumed instance) keeps its secret; a new token gets a new one. */
  init(keptToken: boolean): void {
    if (keptToken) ensureCookieSecret(this.cookieSecretFile);
    else rotateCookieSecret(this.cookieSecretFile);
  }

  /** A new token and a new cookie secret, recorded with the reason, before the next Jupyter serves. */
  rotate(reason: string): void {
    rotateCookieSecret(this.cookieSecretFile);
    this.keeper.update({
      token: randomHex(24),
      credentialsRotated: { at: new Date().toISOString(), reason },
    });
    this.log.warn({ reason }, "new token and cookie secret: the old URL and login cookies no longer open the instance");
  }
}
