// What lingering (logind keeping a user manager without a session) means for a service, as advice lines.

/** Lingering of the user: on, off, or unknown (with why). */
export type Linger = { kind: "yes" } | { kind: "no" } | { kind: "unknown"; why: string };

/** The stderr lines `service install` prints about lingering for `user`. */
export function lingerAdvice(linger: Linger, user: string): string[] {
  if (linger.kind === "yes") return ["lingering is on: the service starts at boot and keeps running after you log out"];
  const ask = [
    `to keep it running, turn lingering on: \`loginctl enable-linger ${user}\``,
    `(where that is not allowed, ask an admin to run \`sudo loginctl enable-linger ${user}\`)`,
  ];
  if (linger.kind === "no") {
    return [
      "lingering is off: when your last session on this host ends (logout, ssh disconnect), systemd stops your user",
      "manager and this Jupyter with its kernels; it starts again only at your next login",
      ...ask,
    ];
  }
  return [
    `could not tell whether lingering is on (${linger.why}); without it the service stops when you log out`,
    ...ask,
  ];
}
