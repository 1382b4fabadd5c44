// Turns signals (stop, restart) and a watched process's exit into wake-ups the supervision loop can await, without
// leaving a reaction behind per wait (weeks of uptime must not grow the heap).

/** What woke the loop up from outside. */
export type Wake = "stop" | "restart";

/** Latches the last request (stop wins over restart) and wakes the one current waiter. */
export class Wakeup {
  pending: Wake | null = null;
  private waiter: (() => void) | null = null;

  /** Record a request and wake the current waiter. */
  fire(w: Wake): void {
    this.pending = this.pending === "stop" ? "stop" : w;
    this.poke();
  }

  /** Wake the current waiter without a request (a watched process exited; the caller checks why). */
  poke(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Wait `ms` (≤ 0: one turn of the event loop), or less when fired or poked; the timer is always cleared. */
  sleep(ms: number): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        if (this.waiter === done) this.waiter = null;
        resolve();
      };
      if (ms > 0) timer = setTimeout(done, ms);
      else immediate = setImmediate(done);
      this.waiter = done;
    });
  }

  /** `p`'s value, or null as soon as a request arrives or the waiter is poked (`p` must settle by itself). */
  race<T>(p: Promise<T>): Promise<T | null> {
    if (this.pending) return Promise.resolve(null);
    return new Promise<T | null>((resolve) => {
      const done = () => {
        if (this.waiter === done) this.waiter = null;
        resolve(null);
      };
      this.waiter = done;
      p.then((v) => {
        if (this.waiter === done) this.waiter = null;
        resolve(v);
      }, done);
    });
  }

  /** Forget a handled restart request (a stop request stays). */
  clearRestart(): void {
    if (this.pending === "restart") this.pending = null;
  }
}
