// The instance's view as GET {base_url}jlremote/status serves it (python/jlremote_adopt/status.py), and its texts.

/** One kernel of the last re-adoption report. */
export interface KernelRef {
  id: string;
  pid: number;
  reason?: string;
}

/** What the server side sends (schema 1). */
export interface InstanceView {
  schema: number;
  name: string | null;
  /** "detached", "systemd", or the name of the scheduler whose batch job runs it ("slurm", "sge"). */
  backend: string;
  state: string | null;
  startedAt: string | null;
  upSeconds: number | null;
  serverPid: number;
  restarts: number;
  /** How the last Jupyter process ended (the supervisor's restart reason). */
  lastRestart: { at: string | null; reason: string | null; signal: string | null; code: number | null } | null;
  adoption: {
    supported: boolean;
    reason: string | null;
    at: string | null;
    adopted: KernelRef[];
    failed: KernelRef[];
  } | null;
  job: {
    id: string | null;
    node: string | null;
    endsAt: string | null;
    warningAt: string | null;
    secondsLeft: number | null;
  } | null;
  idle: { timeoutSeconds: number; shutdownInSeconds: number | null } | null;
}

/** Batch jobs by the scheduler's name, as the panel says them (another scheduler: "NAME batch job"). */
const batchJobs: Record<string, string> = { slurm: "Slurm batch job", sge: "Grid Engine batch job" };

/** Whether a scheduler runs the instance as a batch job (stopping it cancels the job). */
export function isBatchJob(v: Pick<InstanceView, "backend">): boolean {
  return v.backend !== "detached" && v.backend !== "systemd";
}

/** How the instance runs: "Slurm batch job", "Grid Engine batch job", "systemd service" or "detached". */
export function runsAs(v: Pick<InstanceView, "backend">): string {
  if (!isBatchJob(v)) return v.backend === "systemd" ? "systemd service" : "detached";
  return batchJobs[v.backend] ?? `${v.backend} batch job`;
}

/** A countdown: 6727 → "1:52:07", 151 → "2:31", never negative. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** An uptime: "45 s", "12 min", "3 h", "2 d". */
export function uptime(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

/** Minutes, rounded up ("in 3 min"), at least 1. */
export function minutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** "16:40" (`withSeconds`: "14:02:11") in the browser's time zone; "?" for a missing or bad time. */
export function timeOfDay(iso: string | null, withSeconds = false): string {
  const t = iso === null ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(t)) return "?";
  const d = new Date(t);
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return withSeconds ? `${hm}:${String(d.getSeconds()).padStart(2, "0")}` : hm;
}

/** The job's seconds left `elapsedMs` after the view was fetched (null: no end time known). */
export function secondsLeft(v: InstanceView, elapsedMs: number): number | null {
  const left = v.job?.secondsLeft;
  return left === null || left === undefined ? null : Math.max(0, left - Math.floor(elapsedMs / 1000));
}

/** The status bar text: `jlremote: job 42 on node1 · 1:52:07 left` (a batch job), `jlremote: default · up 3 h` (others). */
export function statusText(v: InstanceView, elapsedMs: number): string {
  if (v.job) {
    const left = secondsLeft(v, elapsedMs);
    return `jlremote: job ${v.job.id ?? "?"} on ${v.job.node ?? "?"}${left === null ? "" : ` · ${clock(left)} left`}`;
  }
  const up = v.upSeconds === null ? "" : ` · up ${uptime(v.upSeconds + elapsedMs / 1000)}`;
  return `jlremote: ${v.name ?? "?"}${up}`;
}

/** "3 files" / "1 file". */
export function files(n: number): string {
  return `${n} file${n === 1 ? "" : "s"}`;
}

/** The crash notice: when Jupyter restarted and what became of the kernels it had. */
export function crashText(v: InstanceView): string {
  const r = v.lastRestart;
  const when = timeOfDay(r?.at ?? null, true);
  const head =
    r?.reason === "restart requested"
      ? `Jupyter was restarted (${when})`
      : `Jupyter restarted after a ${r?.reason === "exited" || r?.signal ? "crash" : `failure: ${r?.reason ?? "?"}`} (${when})`;
  const a = v.adoption;
  if (!a?.supported) return `${head}: kernels could not be kept (${a?.reason ?? "kernel adoption not available"})`;
  const lost = a.failed.map((f) => `${f.id.slice(0, 8)} (${f.reason ?? "not adopted"})`);
  const n = a.adopted.length;
  const kept = n === 0 ? "no kernel to re-adopt" : `${n} kernel${n === 1 ? "" : "s"} re-adopted — variables intact`;
  return lost.length === 0 ? `${head}: ${kept}` : `${head}: ${kept}; lost: ${lost.join(", ")}`;
}
