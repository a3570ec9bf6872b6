import { describe, expect, it } from "vitest";
import { CoalescedTask } from "./coalesced-task.js";

/** A task that counts its runs and finishes only when told to. */
function gatedTask() {
  const state: { runs: number; release: () => void } = { runs: 0, release: () => undefined };
  const task = new CoalescedTask(async () => {
    state.runs += 1;
    await new Promise<void>((resolve) => {
      state.release = resolve;
    });
  });
  return { task, state };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("CoalescedTask", () => {
  it("runs once for every caller who asked before the run began", async () => {
    const { task, state } = gatedTask();
    const calls = [task.run(), task.run(), task.run()];
    await tick();
    expect(state.runs).toBe(1);
    state.release();
    await Promise.all(calls);
    expect(state.runs).toBe(1);
  });

  it("gives a caller who asks during a run the next run, shared with everyone who asks before it begins", async () => {
    const { task, state } = gatedTask();
    const first = task.run();
    await tick();
    const during = [task.run(), task.run()];
    await tick();
    expect(state.runs).toBe(1);
    state.release();
    await first;
    await tick();
    expect(state.runs).toBe(2);
    state.release();
    await Promise.all(during);
    expect(state.runs).toBe(2);
  });

  it("rejects every caller of a failed run, and runs again for the next caller", async () => {
    let runs = 0;
    const task = new CoalescedTask(async () => {
      runs += 1;
      if (runs === 1) throw new Error("refused");
    });
    const failed = await Promise.allSettled([task.run(), task.run()]);
    expect(failed.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    await expect(task.run()).resolves.toBeUndefined();
    expect(runs).toBe(2);
  });
});
