// Pure: parses the output of qsub -terse, qstat, qstat -j ID and qacct -j ID (SGE 8.1.9 samples in
// test/fixtures/sge/).

/** One job line of plain `qstat` (the caller's own jobs). */
export interface QstatRow {
  jobId: string;
  /** Grid Engine's state letters: qw, hqw, r, dr, Eqw, t, s, ... */
  state: string;
  /** The exec host of a running job (`all.q@node` → node), else null. */
  node: string | null;
  /** Start time of a running job, submit time of a waiting one (ISO), as qstat prints it. */
  at: string | null;
}

/** What `qstat -j ID` adds: the hard runtime limit, the scheduler's and the error's words. */
export interface QstatJob {
  jobId: string;
  /** `hard resource_list: h_rt=600` in seconds, null when unlimited. */
  hRtSec: number | null;
  /** `scheduling info:` (why it waits), or the `error reason` of a job in error state; null when none. */
  reason: string | null;
}

/** The parts of `qacct -j ID` that tell how a job ended. */
export interface QacctRecord {
  jobId: string;
  /** `failed 37 : qmaster enforced h_rt…` → 37 (0: the job script ran to its end). */
  failed: number;
  failedText: string | null;
  exitStatus: number | null;
  node: string | null;
  startTime: string | null;
  endTime: string | null;
}

/** The job id from `qsub -terse` (`123`, or `123.1-10:1` for an array job). */
export function parseQsubTerse(stdout: string): string {
  const id = (stdout.trim().split(/\s+/).pop() ?? "").split(".")[0] ?? "";
  if (!/^\d+$/.test(id)) throw new Error(`unexpected qsub output: ${JSON.stringify(stdout.trim())}`);
  return id;
}

/** The job lines of plain `qstat` (header and rule skipped). */
export function parseQstat(text: string): QstatRow[] {
  const rows: QstatRow[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    // job-ID prior name user state date time [queue] slots [ja-task-ID]
    if (f.length < 8 || !/^\d+$/.test(f[0] as string) || !/^\d/.test(f[1] as string)) continue;
    const queue = f[7]?.includes("@") ? (f[7] as string) : null;
    rows.push({
      jobId: f[0] as string,
      state: f[4] as string,
      node: queue ? (queue.split("@")[1] ?? null) : null,
      at: sgeListTimeToIso(`${f[5]} ${f[6]}`),
    });
  }
  return rows;
}

/** `qstat -j ID`: the job's limit and reason, or null when the output names no job (`Following jobs do not exist`). */
export function parseQstatJ(text: string): QstatJob | null {
  const fields = keyValues(text, /^([a-z_ ]+?(?:\s+\d+)?):\s*(.*)$/);
  const jobId = fields.get("job_number");
  if (!jobId) return null;
  const resources = fields.get("hard resource_list") ?? "";
  const hRt = /(?:^|,)h_rt=([^,\s]+)/.exec(resources)?.[1];
  const error = [...fields.entries()].find(([k]) => k.startsWith("error reason"))?.[1];
  const scheduling = fields.get("scheduling info");
  return {
    jobId,
    hRtSec: hRt === undefined ? null : parseSgeDuration(hRt),
    reason: error ?? (scheduling && !noInfo.test(scheduling) ? scheduling : null),
  };
}

/** `scheduling info` that says nothing. */
const noInfo = /^(\(Collecting of scheduler job information|There are no messages available)/;

/** Does qstat's or qdel's message say the job is unknown? */
export function saysUnknownJob(text: string): boolean {
  return /Following jobs do not exist|does not exist|job id \d+ not found/i.test(text);
}

/** `qacct -j ID` (the last record when a job ran more than once); null when there is none. */
export function parseQacct(text: string): QacctRecord | null {
  const records = text.split(/^=+\s*$/m).filter((r) => /^jobnumber\s/m.test(r));
  const last = records[records.length - 1];
  if (last === undefined) return null;
  const f = keyValues(last, /^(\w+)\s+(.*)$/);
  const failed = /^(\d+)\s*(?::\s*(.*))?$/.exec(f.get("failed") ?? "");
  const exit = /^(\d+)/.exec(f.get("exit_status") ?? "");
  return {
    jobId: f.get("jobnumber") ?? "",
    failed: failed ? Number(failed[1]) : 0,
    failedText: failed?.[2]?.trim() || null,
    exitStatus: exit ? Number(exit[1]) : null,
    node: f.get("hostname") || null,
    startTime: sgeAcctTimeToIso(f.get("start_time") ?? null),
    endTime: sgeAcctTimeToIso(f.get("end_time") ?? null),
  };
}

/** A Grid Engine duration (`600`, `0:10:0`, `1:30:00`, `INFINITY`) in seconds; null when unlimited or unreadable. */
export function parseSgeDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d+):(\d+):(\d+)$/.exec(t);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

/** qstat's `12/04/2026 05:43:50` (local time) as ISO, or null. */
export function sgeListTimeToIso(t: string): string | null {
  const m = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d)$/.exec(t.trim());
  if (!m) return null;
  const [, mo, d, y, h, mi, s] = m.map(Number) as number[];
  return isoOrNull(new Date(y as number, (mo as number) - 1, d, h, mi, s));
}

/** qacct's `Fri Dec  4 05:43:56 2026` (local time) as ISO, or null (`-/-` for a job that never started). */
export function sgeAcctTimeToIso(t: string | null): string | null {
  const m = t ? /^\w{3} (\w{3})\s+(\d+) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(t.trim()) : null;
  if (!m) return null;
  const month = "JanFebMarAprMayJunJulAugSepOctNovDec".indexOf(m[1] as string) / 3;
  if (!Number.isInteger(month) || month < 0) return null;
  return isoOrNull(new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

function isoOrNull(d: Date): string | null {
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** `key: value` (or `key value`) lines; a line that starts with blanks continues the previous value. */
function keyValues(text: string, pattern: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split("\n")) {
    if (/^\s+\S/.test(line) && last !== null) {
      out.set(last, `${out.get(last)} ${line.trim()}`.trim());
      continue;
    }
    const m = pattern.exec(line.trimEnd());
    if (!m) continue;
    last = (m[1] as string).trim().replace(/\s+/g, " ");
    out.set(last, (m[2] as string).trim());
  }
  return out;
}
