// Pure: how often start's wait looks at a job. The instance's files are read on every change of state.json (cheap);
// the scheduler is asked at most once a second (each query costs tens of ms, on its side too), and about a job just
// submitted only after a second: on an idle cluster its supervisor's first write comes before that.

/** The least time between two scheduler queries of one wait, and before the first about a job just submitted. */
export const askEveryMs = 1000;

/** Without a change notice (a network filesystem), how often the files are read again once the job runs. */
export const runningLookMs = 100;

/** When the wait may first ask the scheduler: a second after a submission, at once about a job found queued or running. */
export function firstAskAt(submitted: boolean, now: number): number {
  return submitted ? now + askEveryMs : now;
}

/** How long to wait for a change of the files before looking again: until the next query while queued. */
export function lookAfterMs(state: string, askAt: number, now: number): number {
  return state === "pending" ? Math.max(0, askAt - now) : runningLookMs;
}
