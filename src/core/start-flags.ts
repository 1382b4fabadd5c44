// What a parsed start/run/service-install command line (yargs' or the canonical parser's record) gives the command.

/** The flags of start, run and service install from a parsed argv record (camelCase keys, `--` words). */
export function startFlags(a: Record<string, unknown>) {
  return {
    name: String(a.name),
    app: a.app as string | undefined,
    jupyter: a.jupyter as string | undefined,
    port: a.port,
    rootDir: a.rootDir as string | undefined,
    maxRestarts: a.maxRestarts,
    timeout: a.timeout,
    stopTimeout: a.stopTimeout,
    sock: a.sock as boolean | undefined,
    reset: Boolean(a.reset),
    profile: a.profile as string | undefined,
    healthInterval: a.healthInterval,
    healthRetries: a.healthRetries,
    logMaxSize: a.logMaxSize,
    logKeep: a.logKeep,
    extraArgs: ((a["--"] as unknown[] | undefined) ?? []).map(String),
    json: Boolean(a.json),
    daemonChild: Boolean(a.daemonChild),
    scheduler: a.scheduler as string | undefined,
    idleTimeout: a.idleTimeout,
    sbatch: a.sbatch as string | undefined,
    qsub: a.qsub as string | undefined,
    noWait: a.wait === false,
    timeWarning: a.timeWarning,
    requeue: Boolean(a.requeue),
  };
}
