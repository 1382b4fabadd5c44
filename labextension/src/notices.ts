// Which notices a tab shows for each view it fetches (pure: the plugin saves documents and shows them).
import { type InstanceView, crashText, minutes, secondsLeft, timeOfDay } from "./view.js";

/** Seconds before the end at which the second, last notice comes. */
export const finalNoticeSeconds = 120;

/** What a tab has already said (one per tab, starts empty). */
export interface NoticeMemory {
  /** The walltime warning (job.warningAt) already acted on. */
  walltimeWarningAt: string | null;
  walltimeFinal: boolean;
  idleWarned: boolean;
  idleFinal: boolean;
  /** The supervisor's restart count when this tab first saw the instance, then at the last crash notice. */
  restarts: number | null;
  /** Polls since a restart was seen without its re-adoption report. */
  pendingCrashPolls: number;
}

/** A tab's memory before its first view. */
export function freshMemory(): NoticeMemory {
  return {
    walltimeWarningAt: null,
    walltimeFinal: false,
    idleWarned: false,
    idleFinal: false,
    restarts: null,
    pendingCrashPolls: 0,
  };
}

/** One notice: `save` ones first save every document (the message then ends with the count of files saved). */
export interface Notice {
  kind: "walltime" | "idle" | "crash";
  save: boolean;
  /** The message before the saved-files count. */
  message: string;
}

/**
 * How long before an idle shutdown the first notice comes: a quarter of the timeout, 3 to 10 minutes, at most half of
 * it (a visible JupyterLab tab's own requests count as activity, so the shutdown stays a whole timeout away).
 */
export function idleNoticeSeconds(timeoutSeconds: number): number {
  return Math.min(timeoutSeconds / 2, Math.min(600, Math.max(180, Math.round(timeoutSeconds / 4))));
}

/** The second idle notice: 2 minutes before, or half the first one's lead when that is shorter. */
export function idleFinalSeconds(timeoutSeconds: number): number {
  return Math.min(finalNoticeSeconds, idleNoticeSeconds(timeoutSeconds) / 2);
}

/** The notices for a view fetched `elapsedMs` ago, and what the tab remembers afterwards. */
export function decideNotices(
  m: NoticeMemory,
  v: InstanceView,
  elapsedMs: number,
): { memory: NoticeMemory; notices: Notice[] } {
  const next = { ...m };
  const notices: Notice[] = [];
  const job = v.job;
  const left = secondsLeft(v, elapsedMs);
  if (job) {
    const ends = `Job ${job.id ?? "?"} ends at ${timeOfDay(job.endsAt)}`;
    const warned = job.warningAt !== null && job.warningAt !== m.walltimeWarningAt;
    const final = left !== null && left <= finalNoticeSeconds && !m.walltimeFinal;
    if (warned) next.walltimeWarningAt = job.warningAt;
    if (final) next.walltimeFinal = true;
    if (final || warned)
      notices.push({
        kind: "walltime",
        save: true,
        message: `${ends} (${left === null ? "" : `in ${minutes(left)} min, `}walltime): all notebooks saved`,
      });
  }
  const idleIn = v.idle?.shutdownInSeconds ?? null;
  if (v.idle && idleIn !== null && idleIn <= idleNoticeSeconds(v.idle.timeoutSeconds)) {
    const final = idleIn <= idleFinalSeconds(v.idle.timeoutSeconds) && !m.idleFinal;
    const first = !m.idleWarned;
    next.idleWarned = true;
    if (final) next.idleFinal = true;
    if (final || first)
      notices.push({
        kind: "idle",
        save: true,
        message: `Jupyter shuts down in ${minutes(idleIn)} min after ${minutes(v.idle.timeoutSeconds)} min without activity (idle timeout): all notebooks saved`,
      });
  } else if (idleIn === null || (v.idle && idleIn > idleNoticeSeconds(v.idle.timeoutSeconds))) {
    // Activity pushed the shutdown back: a later approach is noticed again.
    next.idleWarned = false;
    next.idleFinal = false;
  }
  if (m.restarts === null) next.restarts = v.restarts;
  else if (v.restarts > m.restarts) {
    const at = Date.parse(v.lastRestart?.at ?? "");
    const reportAt = Date.parse(v.adoption?.at ?? "");
    // The supervisor records the re-adoption report once the new Jupyter answers: wait a few polls for it.
    if ((Number.isFinite(reportAt) && (!Number.isFinite(at) || reportAt >= at)) || m.pendingCrashPolls >= 3) {
      notices.push({ kind: "crash", save: false, message: crashText(v) });
      next.restarts = v.restarts;
      next.pendingCrashPolls = 0;
    } else next.pendingCrashPolls = m.pendingCrashPolls + 1;
  }
  return { memory: next, notices };
}
