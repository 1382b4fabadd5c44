// Turns signals (stop, restart) into something the supervision loop can await alongside process exits and timers.

/** What woke the loop up from outside. */
export type Wake = "stop" | "restart";

/** Latches the last request (stop wins over restart) and wakes any waiter. */
export class Wakeup {
  pending: Wake | null = null;
  private waiter: ((w: Wake) => void) | null = null;

  /** Record a request and wake the current waiter. */
  fire(w: Wake): void {
    this.pending = this.pending === "stop" ? "stop" : w;
    this.waiter?.(this.pending);
  }

  /** Resolve with `p`'s value, or with the pending/arriving request, whichever comes first. */
  race<T>(p: Promise<T>): Promise<T | Wake> {
    if (this.pending) return Promise.resolve(this.pending);
    return new Promise<T | Wake>((resolve) => {
      this.waiter = resolve;
      p.then(resolve, () => resolve(undefined as T));
    }).finally(() => { this.waiter = null; });
  }

  /** Like race, plus a timeout of `ms` (resolves null) whose timer is cleared, so it never delays the process's exit. */
  async raceFor<T>(p: Promise<T>, ms: number): Promise<T | Wake | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => { timer = setTimeout(() => r(null), ms); });
    try {
      return await this.race(Promise.race([p, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forget a handled restart request (a stop request stays). */
  clearRestart(): void {
    if (this.pending === "restart") this.pending = null;
  }
}
