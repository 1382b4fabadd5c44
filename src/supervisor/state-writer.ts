// Holds the supervisor's state record and writes state.json (not the Python kernel keeper of io/keeper.ts). The first write (the claim) must succeed: a supervisor that
// cannot record itself must not run anything. Later failures are logged (once per streak), never thrown, and never
// replace the last good file.
import type pino from "pino";
import { fsErrorText } from "../core/errors.js";
import type { StateRecord } from "../core/types.js";
import { writeState } from "../io/state-file.js";
import { monotonicMs } from "../io/clock.js";

/** The in-memory record plus its persistence. */
export class StateWriter {
  private failing = false;
  /** monotonicMs() of the last successful write (for the heartbeat). */
  lastWriteAt = 0;

  constructor(
    private readonly file: string,
    public record: StateRecord,
    private readonly log: pino.Logger,
  ) {}

  /** Write the first record; throws (with the reason from the errno, e.g. no space left) when it cannot be written. */
  claim(): void {
    this.record = stamp(this.record);
    writeState(this.file, this.record);
    this.lastWriteAt = monotonicMs();
  }

  /** Apply a change that the next update() writes (one fsync fewer before Jupyter's spawn). */
  stage(change: Partial<StateRecord>): void {
    this.record = { ...this.record, ...change };
  }

  /** Apply a change and write state.json; write failures (disk full, read-only) are logged, not thrown. */
  update(change: Partial<StateRecord>): void {
    this.record = stamp({ ...this.record, ...change });
    try {
      writeState(this.file, this.record);
      this.lastWriteAt = monotonicMs();
      if (this.failing) this.log.info("state.json written again");
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.log.error({ err: fsErrorText(err, this.file) }, "could not write state.json; keeping Jupyter running");
      this.failing = true;
    }
  }
}

function stamp(r: StateRecord): StateRecord {
  const now = new Date().toISOString();
  return { ...r, updatedAt: now, heartbeatAt: now };
}
