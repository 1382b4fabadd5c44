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
  async raceFor<T>(p: Promise<T> | Settled<T>, ms: number): Promise<T | Wake | null> {
    let timer: NodeJS.Timeout | undefined;
    let drop = () => {};
    const either = new Promise<T | null>((r) => {
      timer = setTimeout(() => r(null), ms);
      if (p instanceof Settled) drop = p.onSettle(r);
      else p.then(r, () => r(null));
    });
    try {
      return await this.race(either);
    } finally {
      clearTimeout(timer);
      drop();
    }
  }

  /** Forget a handled restart request (a stop request stays). */
  clearRestart(): void {
    if (this.pending === "restart") this.pending = null;
  }
}

/**
 * A promise that may never settle (a process's exit), waited on again and again without adding a reaction to it
 * per wait: each `then` on a pending promise is kept until it settles, so a watch loop racing it leaked per turn.
 */
export class Settled<T> {
  private done = false;
  private value: T | undefined;
  private readonly waiters = new Set<(v: T) => void>();

  constructor(p: Promise<T>) {
    void p.then((v) => {
      this.done = true;
      this.value = v;
      for (const w of this.waiters) w(v);
      this.waiters.clear();
    });
  }

  /** Call `cb` once with the value (soon, if already settled); returns a function that forgets `cb`. */
  onSettle(cb: (v: T) => void): () => void {
    if (this.done) {
      queueMicrotask(() => cb(this.value as T));
      return () => {};
    }
    this.waiters.add(cb);
    return () => { this.waiters.delete(cb); };
  }
}
