// Holds the supervisor's state record and saves it; a failed write is logged and never replaces the last good file.
import type pino from "pino";
import type { StateRecord } from "../core/types.js";
import { writeState } from "../io/state-file.js";

/** The in-memory record plus its persistence. */
export class StateKeeper {
  constructor(
    private readonly file: string,
    public record: StateRecord,
    private readonly log: pino.Logger,
  ) {}

  /** Apply a change and write state.json; write failures (disk full, read-only) are logged, not thrown. */
  update(change: Partial<StateRecord>): void {
    this.record = { ...this.record, ...change, updatedAt: new Date().toISOString() };
    try {
      writeState(this.file, this.record);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, "could not write state.json; keeping Jupyter running");
    }
  }
}
