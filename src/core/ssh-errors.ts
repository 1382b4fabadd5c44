// Turns ssh's stderr into one line for the user: ssh's own words plus a hint on what to do next.

/** The last non-empty line of some output that is not ssh chatter (warnings about known hosts, pty notes). */
export function lastMeaningfulLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(
      (l) => l !== "" && !/^Warning: Permanently added/.test(l) && !/^Pseudo-terminal will not be allocated/.test(l),
    );
  return lines[lines.length - 1] ?? "";
}

const HINTS: readonly [RegExp, string][] = [
  [/Could not resolve hostname/i, "check the host name or the alias in your ssh config"],
  [/Connection refused/i, "is sshd running there, on that port?"],
  [/(timed out|No route to host|Network is unreachable)/i, "is the host reachable from here (VPN, jump host)?"],
  [/Permission denied/i, "check your key (ssh-add -l, IdentityFile) or try `ssh HOST true` by hand"],
  [/Host key verification failed/i, "the host key is unknown or changed: run `ssh HOST true` once and check it"],
  [/Too many authentication failures/i, "set IdentitiesOnly yes and the right IdentityFile for this host"],
];

/** One line describing a failed connection to `host`, from ssh's exit code and stderr. */
export function describeSshFailure(host: string, exitCode: number | undefined, stderr: string): string {
  const said = lastMeaningfulLine(stderr) || `ssh exited with code ${exitCode ?? "?"}`;
  const hint = HINTS.find(([re]) => re.test(stderr))?.[1];
  return `cannot connect to ${host}: ${said}${hint ? `; ${hint}` : ""}`;
}
