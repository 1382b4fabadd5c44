import assert from "node:assert/strict";
import { test } from "node:test";
import { decideNotices, freshMemory, type NoticeMemory } from "../../../labextension/src/notices.js";
import type { InstanceView } from "../../../labextension/src/view.js";

const base: InstanceView = {
  schema: 1,
  name: "default",
  backend: "slurm",
  state: "running",
  startedAt: "2026-01-01T10:00:00.000Z",
  upSeconds: 60,
  serverPid: 100,
  restarts: 0,
  lastRestart: null,
  adoption: { supported: true, reason: null, at: null, adopted: [], failed: [] },
  job: { id: "42", node: "node1", endsAt: "2026-01-01T11:00:00.000Z", warningAt: null, secondsLeft: 3000 },
  idle: null,
};
const withJob = (job: Partial<NonNullable<InstanceView["job"]>>): InstanceView => ({
  ...base,
  job: { ...(base.job as NonNullable<InstanceView["job"]>), ...job },
});

/** Feed views in order; the kinds of notices each produced. */
function run(views: InstanceView[], memory: NoticeMemory = freshMemory()): string[][] {
  const out: string[][] = [];
  for (const v of views) {
    const d = decideNotices(memory, v, 0);
    memory = d.memory;
    out.push(d.notices.map((n) => `${n.kind}${n.save ? "+save" : ""}`));
  }
  return out;
}

test("the walltime warning saves once, and the 2-minute mark saves and notifies once more", () => {
  const warned = "2026-01-01T10:57:30.000Z";
  assert.deepEqual(
    run([
      withJob({}),
      withJob({ warningAt: warned, secondsLeft: 150 }),
      withJob({ warningAt: warned, secondsLeft: 145 }),
      withJob({ warningAt: warned, secondsLeft: 120 }),
      withJob({ warningAt: warned, secondsLeft: 100 }),
    ]),
    [[], ["walltime+save"], [], ["walltime+save"], []],
  );
});

test("a warning that arrives inside the last 2 minutes gives one notice, not two", () => {
  assert.deepEqual(
    run([
      withJob({ warningAt: "2026-01-01T10:59:00.000Z", secondsLeft: 60 }),
      withJob({ warningAt: "2026-01-01T10:59:00.000Z", secondsLeft: 55 }),
    ]),
    [["walltime+save"], []],
  );
});

test("the walltime message names the job, its end and the minutes left", () => {
  const d = decideNotices(freshMemory(), withJob({ warningAt: "2026-01-01T10:50:00.000Z", secondsLeft: 590 }), 0);
  assert.match(d.notices[0]?.message ?? "", /^Job 42 ends at \d\d:\d\d \(in 10 min, walltime\): all notebooks saved$/);
});

test("an idle shutdown within the notice window saves and notifies, again at 2 minutes, and again after activity", () => {
  const idle = (s: number | null): InstanceView => ({
    ...base,
    job: null,
    idle: { timeoutSeconds: 3600, shutdownInSeconds: s },
  });
  assert.deepEqual(run([idle(null), idle(900), idle(590), idle(300), idle(110), idle(3600), idle(500)]), [
    [],
    [],
    ["idle+save"],
    [],
    ["idle+save"],
    [],
    ["idle+save"],
  ]);
});

test("a short idle timeout kept away by an open tab's own requests gives no notice; a real approach does", () => {
  const idle = (s: number): InstanceView => ({
    ...base,
    job: null,
    idle: { timeoutSeconds: 180, shutdownInSeconds: s },
  });
  assert.deepEqual(run([idle(178), idle(170), idle(175), idle(80), idle(40)]), [
    [],
    [],
    [],
    ["idle+save"],
    ["idle+save"],
  ]);
});

test("a restart seen by the tab gives one crash notice once its re-adoption report is recorded", () => {
  const crashed = (at: string | null): InstanceView => ({
    ...base,
    job: null,
    restarts: 1,
    lastRestart: { at: "2026-01-01T10:30:00.000Z", reason: "exited", signal: "SIGKILL", code: null },
    adoption: { supported: true, reason: null, at, adopted: [{ id: "abcdef12-0000", pid: 7 }], failed: [] },
  });
  const first = { ...base, job: null };
  assert.deepEqual(
    run([first, crashed(null), crashed("2026-01-01T10:30:05.000Z"), crashed("2026-01-01T10:30:05.000Z")]),
    [[], [], ["crash"], []],
  );
  const d = decideNotices({ ...freshMemory(), restarts: 0 }, crashed("2026-01-01T10:30:05.000Z"), 0);
  assert.match(
    d.notices[0]?.message ?? "",
    /^Jupyter restarted after a crash \(\d\d:\d\d:\d\d\): 1 kernel re-adopted — variables intact$/,
  );
});

test("a tab opened after a restart says nothing about it", () => {
  assert.deepEqual(run([{ ...base, job: null, restarts: 3 }]), [[]]);
});
