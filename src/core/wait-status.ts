// A process's end as waitpid(2) encodes it (also field 52 of /proc/PID/stat, which a zombie shows before it is reaped).

/** The exit code, or the number of the signal that ended it. */
export interface WaitStatus {
  code: number | null;
  signal: number | null;
}

/** Decode a waitpid status: exit code in bits 8–15 when bits 0–6 are 0, else the terminating signal there. */
export function decodeWaitStatus(raw: number): WaitStatus {
  const sig = raw & 0x7f;
  return sig === 0 ? { code: (raw >> 8) & 0xff, signal: null } : { code: null, signal: sig };
}
