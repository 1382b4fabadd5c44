import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import test from "node:test";
import { type OutStream, lineWriter, progressWriter } from "../../../src/io/output.js";

/** A stream that records what is written; `isTTY` as given. */
function fakeStream(isTTY: boolean): OutStream & { text: () => string; emit: EventEmitter["emit"] } {
  const chunks: string[] = [];
  const events = new EventEmitter();
  return {
    isTTY,
    write: ((chunk: string) => chunks.push(chunk) > 0) as OutStream["write"],
    on: ((event: string, fn: (...a: unknown[]) => void) => events.on(event, fn)) as OutStream["on"],
    emit: events.emit.bind(events),
    text: () => chunks.join(""),
  };
}

const waitLines = (progress: ReturnType<typeof progressWriter>) => {
  progress.show("job 7: PENDING (Priority), 0 s", "PENDING|Priority");
  progress.show("job 7: PENDING (Priority), 1 s", "PENDING|Priority");
  progress.show("job 7: RUNNING on n1, Jupyter starting, 2 s", "RUNNING|");
  progress.show("job 7: RUNNING on n1, Jupyter starting, 3 s", "RUNNING|");
  progress.done();
};

test("on a TTY the progress line is rewritten in place, kept when its news changes, and closed by done", () => {
  const tty = fakeStream(true);
  waitLines(progressWriter(() => tty));
  assert.equal(
    tty.text(),
    "job 7: PENDING (Priority), 0 s\r\x1b[Kjob 7: PENDING (Priority), 1 s\njob 7: RUNNING on n1, Jupyter starting, 2 s" +
      "\r\x1b[Kjob 7: RUNNING on n1, Jupyter starting, 3 s\n",
  );
});

test("off a TTY only the lines with new news are printed, whole; live-only progress prints nothing", () => {
  const pipe = fakeStream(false);
  const progress = progressWriter(() => pipe);
  waitLines(progress);
  progress.show("copying to h: 1.0 of 4.0 MB", null);
  progress.show("copying to h: 2.0 of 4.0 MB", null);
  progress.done();
  assert.equal(pipe.text(), "job 7: PENDING (Priority), 0 s\njob 7: RUNNING on n1, Jupyter starting, 2 s\n");
});

test("a line without news of its own is its own news: the same line twice prints once off a TTY", () => {
  const pipe = fakeStream(false);
  const progress = progressWriter(() => pipe);
  progress.show("a");
  progress.show("a");
  progress.show("b");
  assert.equal(pipe.text(), "a\nb\n");
});

test("the stream is looked up at the first write, and a vanished reader (EPIPE) is quiet", () => {
  let looked = 0;
  const pipe = fakeStream(false);
  const progress = progressWriter(() => {
    looked++;
    return pipe;
  });
  const err = lineWriter(() => pipe);
  assert.equal(looked, 0);
  progress.show("x");
  err("y");
  assert.equal(looked, 1);
  assert.equal(pipe.text(), "x\ny\n");
  assert.doesNotThrow(() => pipe.emit("error", Object.assign(new Error("gone"), { code: "EPIPE" })));
  assert.throws(() => pipe.emit("error", Object.assign(new Error("bad"), { code: "EIO" })), /bad/);
});
