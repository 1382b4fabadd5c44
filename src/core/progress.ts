// Pure: what a progress sink writes. On a TTY one live line is rewritten in place and kept when its news changes;
// elsewhere only a line with new news is printed (a log or a pipe gets one line per change, no churn).

/** Progress for people on stderr (CommandContext.progress, LocalContext.progress). */
export interface Progress {
  /**
   * Show `line`. `news` names what it says (default: the line itself): new news keeps the previous live line on a TTY
   * and is printed as a line elsewhere; the same news only rewrites the live line. null: live only (a TTY alone shows it).
   */
  show(line: string, news?: string | null): void;
  /** Close the live line (it stays on screen) before other output or at the end; the next show starts afresh. */
  done(): void;
}

/** Where a sink is: a live line on screen (a TTY), and the news last shown. */
export interface ProgressState {
  live: boolean;
  news: string | null;
}

/** The sink's start. */
export const progressStart: ProgressState = { live: false, news: null };

/** The text to write for show(line, news) and the state after it. */
export function progressShow(
  s: ProgressState,
  line: string,
  news: string | null,
  tty: boolean,
): { write: string; state: ProgressState } {
  const fresh = news !== null && news !== s.news;
  const state = { live: tty, news: news ?? s.news };
  if (!tty) return { write: fresh ? `${line}\n` : "", state };
  if (!s.live) return { write: line, state };
  return { write: fresh ? `\n${line}` : `\r\x1b[K${line}`, state };
}

/** The text to write for done() and the state after it. */
export function progressDone(s: ProgressState): { write: string; state: ProgressState } {
  return { write: s.live ? "\n" : "", state: progressStart };
}
